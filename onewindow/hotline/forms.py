from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import ItemImplementation
from onewindow.org.models import Department

from .models import Category, Channel, Kind, KnowledgeAnswer, RefusalReason, Urgency

DISPOSITIONS = [
    ("dispatch", _("派单至部门")),
    ("answer", _("当场答复")),
    ("accept", _("仅受理，稍后派单")),
    ("refuse", _("不予受理并告知去向")),
]


def _departments() -> Any:
    return Department.objects.filter(is_active=True)


class StyledMixin:
    """Bootstrap classes on every widget."""

    fields: dict[str, forms.Field]

    def style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput | forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class TicketForm(StyledMixin, forms.Form):
    """The agent console's one-screen ticket."""

    caller_phone = forms.CharField(label=_("来电号码"), max_length=20, required=False)
    caller_name = forms.CharField(label=_("来电人"), max_length=100, required=False)
    caller_wants_anonymity = forms.BooleanField(label=_("要求保密"), required=False)
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices, initial=Channel.PHONE)
    kind = forms.ChoiceField(label=_("诉求类型"), choices=Kind.choices)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    category = forms.ModelChoiceField(
        label=_("分类"), queryset=Category.objects.filter(is_active=True), required=False
    )
    description = forms.CharField(label=_("诉求内容"), max_length=4000, widget=forms.Textarea)
    address = forms.CharField(label=_("地点"), max_length=300, required=False)
    lat = forms.DecimalField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    long = forms.DecimalField(label=_("经度"), required=False, min_value=-180, max_value=180)
    attachment = forms.FileField(label=_("附件"), required=False)
    disposition = forms.ChoiceField(
        label=_("处理方式"), choices=DISPOSITIONS, widget=forms.RadioSelect, initial="dispatch"
    )
    reply = forms.CharField(
        label=_("答复内容"), max_length=4000, required=False, widget=forms.Textarea
    )
    knowledge = forms.ModelChoiceField(
        queryset=KnowledgeAnswer.objects.filter(is_active=True),
        required=False,
        widget=forms.HiddenInput,
    )
    lead = forms.ModelChoiceField(
        label=_("主办部门"),
        queryset=_departments(),
        required=False,
        help_text=_("不选则按派单目录"),
    )
    assisting = forms.ModelMultipleChoiceField(
        label=_("协办部门"), queryset=_departments(), required=False
    )
    refusal_reason = forms.ChoiceField(
        label=_("不予受理原因"), choices=[("", "—"), *RefusalReason.choices], required=False
    )
    referral = forms.CharField(label=_("告知去向"), max_length=300, required=False)
    note = forms.CharField(label=_("备注"), max_length=2000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()
        self.fields["description"].widget.attrs.update({"rows": 4})
        self.fields["reply"].widget.attrs.update({"rows": 3})

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("attachment", None)
        if not data.get("assisting"):
            data["assisting"] = None
        return data


class KnowledgeForm(StyledMixin, forms.ModelForm):
    items = forms.ModelMultipleChoiceField(
        label=_("关联事项"),
        queryset=ItemImplementation.objects.select_related("current_version"),
        required=False,
    )

    class Meta:
        model = KnowledgeAnswer
        fields = ["department", "question", "answer", "keywords", "category", "items", "is_active"]

    def __init__(self, *args: Any, departments: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["department"].disabled = True
        self.style()


class PeriodForm(StyledMixin, forms.Form):
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def period(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        date_to = (self.cleaned_data.get("date_to") if self.is_valid() else None) or today
        date_from = (self.cleaned_data.get("date_from") if self.is_valid() else None) or (
            date_to - dt.timedelta(days=29)
        )
        if date_from > date_to:
            date_from, date_to = date_to, date_from
        if (date_to - date_from).days > 366:
            date_from = date_to - dt.timedelta(days=366)
        return date_from, date_to
