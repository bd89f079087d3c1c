from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.org.models import Department

from .models import Finding, Level

MAX_SPAN_DAYS = 3660


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("开始日期"), required=False)
    date_to = forms.DateField(label=_("结束日期"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("开始日期不得晚于结束日期"))
        if start and end and (end - start).days > MAX_SPAN_DAYS:
            raise forms.ValidationError(_("统计期间不得超过十年"))
        return data


class NoticeForm(forms.Form):
    case_no = forms.CharField(label=_("办件编号"), max_length=32, required=False)
    task_id = forms.IntegerField(label=_("环节任务编号"), required=False, min_value=1)
    department = forms.ModelChoiceField(
        label=_("责任单位"),
        queryset=Department.objects.filter(is_active=True).order_by("sort_order", "code"),
        required=False,
        help_text=_("督办部门时选择；督办办件或环节任务时由系统确定责任单位"),
    )
    reason = forms.CharField(label=_("督办事由"), widget=forms.Textarea(attrs={"rows": 3}))
    required_action = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("回复期限"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_deadline(self) -> dt.date:
        deadline: dt.date = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("回复期限不得早于今天"))
        return deadline


class ReplyForm(forms.Form):
    explanation = forms.CharField(
        label=_("情况说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    fix = forms.CharField(
        label=_("整改措施"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结论"), choices=[("close", _("通过，办结")), ("return", _("退回重新回复"))]
    )
    note = forms.CharField(
        label=_("审核意见"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deadline = forms.DateField(
        label=_("新的回复期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return":
            if not data.get("note"):
                self.add_error("note", _("退回须说明理由"))
            if not data.get("deadline"):
                self.add_error("deadline", _("退回须给出新的回复期限"))
        return data


class CardForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("单位"),
        queryset=Department.objects.filter(is_active=True).order_by("sort_order", "code"),
    )
    colour = forms.ChoiceField(label=_("颜色"), choices=Level.choices)
    reason = forms.CharField(
        label=_("事由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FindingStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Finding.Status.choices)
