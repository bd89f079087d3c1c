"""Forms of the account pages. They parse and check shapes; the services check the rules
(ID number and credit code checksums, uniqueness, password policy) and their errors are put
back on the fields they name."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.core import audit

from . import auth, validators
from .models import AgentAuthorization, User

PASSWORD_MAX = 128
# Shapes only; the services hold the rules.
USERNAME_MAX = 150
NAME_MAX = 50
ORGANIZATION_NAME_MAX = 200
CODE_MAX = 18
PHONE_MAX = 11


def _bootstrap(form: forms.Form) -> None:
    """Bootstrap classes on every widget, ``is-invalid`` on the fields with errors."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        # Only errors already found: reading ``form.errors`` here would validate too early.
        found = getattr(form, "_errors", None)
        if found and name in found:
            css += " is-invalid"
        widget.attrs["class"] = css


class BootstrapMixin:
    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        _bootstrap(self)  # type: ignore[arg-type]

    def apply_service_errors(self, error: ValidationError, mapping: dict[str, str]) -> None:
        """Put a service's ``ValidationError`` on the fields it names (or on the form)."""
        form: forms.Form = self  # type: ignore[assignment]
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                field = mapping.get(key, key)
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            for message in error.messages:
                form.add_error(None, message)
        _bootstrap(form)


def _password_field(label: Any, *, new: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password" if new else "current-password"}
        ),
        help_text=password_validation.password_validators_help_text_html() if new else "",
    )


# --- Sign-in ---------------------------------------------------------------------------------


class LoginForm(BootstrapMixin, AuthenticationForm):
    """Username and password; a locked account or address gets the minutes it must wait."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。请注意密码区分大小写。"),
        "inactive": _("该账户已停用。"),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].label = _("密码")
        _bootstrap(self)

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                ip = audit.client_ip(self.request) if self.request is not None else None
                lock = auth.lockout_for(username, ip)
                if lock is not None:
                    raise ValidationError(
                        _(
                            "登录失败次数过多，已暂时锁定。请%(minutes)d分钟后再试，"
                            "或联系服务中心解锁。"
                        ),
                        code="locked",
                        params={"minutes": lock.minutes_left()},
                    )
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class TokenForm(BootstrapMixin, forms.Form):
    token = forms.CharField(
        label=_("动态验证码"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
        help_text=_("打开身份验证器应用，输入当前显示的6位数字。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) != 6:
            raise ValidationError(_("请输入6位数字验证码。"), code="token_format")
        return token


# --- Registration ------------------------------------------------------------------------------


class _RegistrationForm(BootstrapMixin, forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=USERNAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
        help_text=_("登录时使用，最多150个字符。"),
    )
    password1 = _password_field(_("密码"), new=True)
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def clean_password2(self) -> str:
        password1 = self.cleaned_data.get("password1")
        password2: str = self.cleaned_data["password2"]
        if password1 is not None and password1 != password2:
            raise ValidationError(_("两次输入的密码不一致。"), code="password_mismatch")
        return password2

    def _provisional_user(self) -> User:
        """The unsaved account the password is checked against (its name, ID…): each
        registration form builds its own."""
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password1")
        if password:
            try:
                password_validation.validate_password(password, self._provisional_user())
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class PersonRegistrationForm(_RegistrationForm):
    name = forms.CharField(
        label=_("真实姓名"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("公民身份号码"),
        max_length=CODE_MAX,
        help_text=_("18位居民身份证号码，末位可为X。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=PHONE_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    field_order = ["username", "password1", "password2", "name", "id_number", "phone"]
    SERVICE_FIELDS = {"password": "password1"}

    # The service checks these again; checking here shows every error in one round.
    def clean_name(self) -> str:
        return validators.clean_name(self.cleaned_data["name"])

    def clean_id_number(self) -> str:
        return validators.clean_id_number(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        return validators.clean_phone(self.cleaned_data["phone"])

    def _provisional_user(self) -> User:
        data = self.cleaned_data
        return User(
            username=data.get("username", ""),
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            id_number=data.get("id_number", ""),
        )


class OrganizationRegistrationForm(_RegistrationForm):
    name = forms.CharField(label=_("单位名称"), max_length=ORGANIZATION_NAME_MAX)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=CODE_MAX,
        help_text=_("18位代码，见营业执照或登记证书。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=NAME_MAX)
    phone = forms.CharField(
        label=_("联系电话（手机）"),
        max_length=PHONE_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    field_order = [
        "name",
        "credit_code",
        "legal_representative",
        "phone",
        "username",
        "password1",
        "password2",
    ]
    SERVICE_FIELDS = {"password": "password1"}

    def clean_credit_code(self) -> str:
        return validators.clean_credit_code(self.cleaned_data["credit_code"])

    def clean_legal_representative(self) -> str:
        return validators.clean_name(self.cleaned_data["legal_representative"])

    def clean_phone(self) -> str:
        return validators.clean_phone(self.cleaned_data["phone"])

    def _provisional_user(self) -> User:
        data = self.cleaned_data
        return User(
            username=data.get("username", ""),
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            kind=User.Kind.ORGANIZATION,
        )


# --- Profile -----------------------------------------------------------------------------------


class AgentAuthorizationForm(BootstrapMixin, forms.Form):
    agent_username = forms.CharField(
        label=_("代办人用户名"),
        max_length=USERNAME_MAX,
        help_text=_("代办人注册时使用的用户名；代办人须为实名注册的自然人。"),
    )
    scopes = forms.MultipleChoiceField(
        label=_("授权范围"),
        choices=AgentAuthorization.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = forms.DateField(
        label=_("有效期至"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=_("授权在该日结束时失效，最长一年。"),
    )
    SERVICE_FIELDS = {"agent": "agent_username", "expires_at": "expires_on"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)
        self.agent: User | None = None

    def clean_agent_username(self) -> str:
        username: str = self.cleaned_data["agent_username"].strip()
        self.agent = User.objects.filter(
            username__iexact=username, kind=User.Kind.PERSON, is_active=True
        ).first()
        if self.agent is None:
            # One message whether the name is unknown or not a person's: no account probing.
            raise ValidationError(_("代办人须为已实名注册的自然人账户"), code="agent")
        return username

    def expires_at(self) -> dt.datetime:
        """The end of the chosen day, local time."""
        day: dt.date = self.cleaned_data["expires_on"]
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


class PasswordChangeFormZh(BootstrapMixin, PasswordChangeForm):
    """Django's form (current password, new password twice) with Chinese labels; the new
    password goes through ``AUTH_PASSWORD_VALIDATORS`` (128 characters at most among them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("当前密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("确认新密码")
        _bootstrap(self)
