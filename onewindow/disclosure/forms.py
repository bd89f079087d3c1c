"""Forms of the disclosure pages: they parse and check input; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    ApplicantCategory,
    ConsultationKind,
    DeliveryForm,
    DocumentKind,
    InterpretationForm,
    RemedyCase,
    RequestChannel,
    Validity,
)
from .replies import REPLY_TYPES

DATE = forms.DateInput(attrs={"type": "date"})


class StyledForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Show a service's ValidationError on the matching fields (others on the form)."""
        for name, messages in errors.items():
            field = name.replace("applicant.", "applicant_")
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class DocumentForm(StyledForm):
    category = forms.ChoiceField(label=_("栏目"))
    title = forms.CharField(label=_("标题"), max_length=300)
    kind = forms.ChoiceField(label=_("文件类型"), choices=DocumentKind.choices)
    doc_number = forms.CharField(label=_("文号"), max_length=100, required=False)
    issuer = forms.CharField(label=_("发文机关"), max_length=200, required=False)
    keywords = forms.CharField(label=_("主题词"), max_length=200, required=False)
    written_on = forms.DateField(label=_("成文日期"), required=False, widget=DATE)
    effective_on = forms.DateField(label=_("施行日期"), required=False, widget=DATE)
    expires_on = forms.DateField(label=_("有效期至"), required=False, widget=DATE)
    validity = forms.ChoiceField(label=_("效力状态"), choices=Validity.choices)
    is_emergency = forms.BooleanField(
        label=_("紧急通知（发布后在首页置顶，直至撤回）"), required=False
    )
    summary = forms.CharField(
        label=_("摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("正文"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = categories


class InterpretationEditForm(StyledForm):
    title = forms.CharField(label=_("标题"), max_length=300)
    form = forms.ChoiceField(label=_("解读形式"), choices=InterpretationForm.choices)
    documents = forms.MultipleChoiceField(label=_("所解读的文件"), required=False)
    summary = forms.CharField(
        label=_("摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("正文"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    qa = forms.CharField(
        label=_("问答"),
        required=False,
        help_text=_("每组问答两行：第一行以“问：”开头，第二行以“答：”开头"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: Any, documents: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["documents"]).choices = documents

    def clean_qa(self) -> list[dict[str, str]]:
        lines = [line.strip() for line in self.cleaned_data["qa"].splitlines() if line.strip()]
        pairs: list[dict[str, str]] = []
        for line in lines:
            if line.startswith(("问：", "问:")):
                pairs.append({"q": line[2:].strip(), "a": ""})
            elif line.startswith(("答：", "答:")) and pairs and not pairs[-1]["a"]:
                pairs[-1]["a"] = line[2:].strip()
            else:
                raise forms.ValidationError(_("无法识别的行：%(line)s") % {"line": line[:40]})
        return pairs


class GuideForm(StyledForm):
    office = forms.CharField(label=_("政府信息公开工作机构"), max_length=200, required=False)
    address = forms.CharField(label=_("办公地址"), max_length=200, required=False)
    postcode = forms.CharField(label=_("邮政编码"), max_length=10, required=False)
    hours = forms.CharField(label=_("办公时间"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=50, required=False)
    fax = forms.CharField(label=_("传真"), max_length=50, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    reading_room = forms.CharField(label=_("查阅场所"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("补充说明"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class ApplyForm(StyledForm):
    """An applicant's own request, filed online."""

    agency = forms.ChoiceField(label=_("受理机关"))
    description = forms.CharField(
        label=_("所需政府信息的名称、文号或者便于查询的其他特征性描述"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    purpose = forms.CharField(
        label=_("用途（选填）"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    delivery_form = forms.ChoiceField(label=_("获取信息的方式"), choices=DeliveryForm.choices)
    objects_to_publication = forms.BooleanField(
        label=_("不同意在“公开申请”栏目公开本申请（公开时删除个人信息）"), required=False
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["agency"]).choices = agencies


class IntakeForm(ApplyForm):
    """Staff registering a letter, fax or walk-in request."""

    channel = forms.ChoiceField(label=_("申请渠道"), choices=RequestChannel.choices)
    received_on = forms.DateField(
        label=_("收到申请日期"),
        required=False,
        help_text=_("邮寄的为签收日期，平常信函和传真为与申请人确认的日期；空白为今天"),
        widget=DATE,
    )
    applicant_kind = forms.ChoiceField(
        label=_("申请人类型"),
        choices=[("person", _("公民")), ("organization", _("法人或其他组织"))],
    )
    applicant_category = forms.ChoiceField(
        label=_("申请人类别"), choices=[("", "—"), *ApplicantCategory.choices], required=False
    )
    applicant_name = forms.CharField(label=_("姓名或名称"), max_length=200)
    applicant_id_number = forms.CharField(label=_("身份证件号码或统一社会信用代码"), max_length=18)
    applicant_phone = forms.CharField(label=_("联系电话"), max_length=20)
    applicant_email = forms.CharField(label=_("电子邮箱"), max_length=200, required=False)
    applicant_address = forms.CharField(label=_("通信地址"), max_length=300, required=False)
    applicant_contact_name = forms.CharField(label=_("联系人"), max_length=100, required=False)

    def applicant(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["applicant_kind"]
        return {
            "kind": kind,
            "name": data["applicant_name"],
            "id_number" if kind == "person" else "credit_code": data["applicant_id_number"],
            "phone": data["applicant_phone"],
            "email": data["applicant_email"],
            "address": data["applicant_address"],
            "contact_name": data["applicant_contact_name"],
            "category": data["applicant_category"],
        }

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        renamed = {
            name.replace("applicant.credit_code", "applicant.id_number"): messages
            for name, messages in errors.items()
        }
        super().add_service_errors(renamed)


class ReplyForm(StyledForm):
    reply_type = forms.ChoiceField(
        label=_("答复类型"),
        choices=[
            (code, f"{spec.label}（{spec.basis}）" if spec.basis else spec.label)
            for code, spec in REPLY_TYPES.items()
        ],
    )
    reasons = forms.MultipleChoiceField(label=_("理由"), required=False)
    note = forms.CharField(
        label=_("答复内容"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    responsible_agency = forms.CharField(
        label=_("负责公开的机关及联系方式"), max_length=300, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = []
        seen: set[str] = set()
        for spec in REPLY_TYPES.values():
            for code, reason in (spec.reasons or {}).items():
                if code not in seen:
                    seen.add(code)
                    choices.append((code, f"{reason.label}"))
        cast(forms.ChoiceField, self.fields["reasons"]).choices = choices


class ConsultForm(StyledForm):
    consultation_kind = forms.ChoiceField(label=_("类型"), choices=ConsultationKind.choices)
    consultee = forms.CharField(label=_("被征求意见方"), max_length=200)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RemedyForm(StyledForm):
    kind = forms.ChoiceField(label=_("类型"), choices=RemedyCase.Kind.choices)
    filed_on = forms.DateField(label=_("立案日期"), widget=DATE)
    outcome = forms.ChoiceField(label=_("结果"), choices=RemedyCase.Outcome.choices)
    decided_on = forms.DateField(label=_("审结日期"), required=False, widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class ReportTextForm(StyledForm):
    overview = forms.CharField(
        label=_("一、总体情况"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    problems = forms.CharField(
        label=_("五、存在的主要问题及改进情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    other_matters = forms.CharField(
        label=_("六、其他需要报告的事项"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class ExposureForm(StyledForm):
    agency = forms.ChoiceField(label=_("涉及部门（选填）"), required=False)
    service = forms.CharField(label=_("办理的事项（选填）"), max_length=200, required=False)
    title = forms.CharField(label=_("问题标题"), max_length=100)
    description = forms.CharField(
        label=_("问题描述"),
        max_length=4000,
        help_text=_("请描述办事过程中遇到的困难和问题；请勿填写身份证号等个人信息"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["agency"]).choices = [("", "—"), *agencies]
