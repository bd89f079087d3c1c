"""Forms of the evaluation pages. They parse; the rules live in ``services``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.identity.models import User

from .models import (
    OFFLINE_INDICATORS,
    ONLINE_INDICATORS,
    AssessmentWeights,
    Level,
    Reason,
    Rectification,
    Source,
    StaffRecord,
)

INDICATOR_PREFIX = "ind_"
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


def _level_choices() -> list[tuple[int, Any]]:
    return [(level.value, level.label) for level in Level]


class RatingForm(forms.Form):
    """Five levels, the indicators of the channel, reasons for a bad rating and a comment."""

    level = forms.TypedChoiceField(
        label=_("总体评价"), choices=_level_choices, coerce=int, widget=forms.RadioSelect
    )
    reasons = forms.MultipleChoiceField(
        label=_("差评原因（“不满意”“非常不满意”时必选）"),
        choices=Reason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label=_("意见建议"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )

    def __init__(self, *args: Any, source: str = Source.ONLINE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = ONLINE_INDICATORS if source == Source.ONLINE else OFFLINE_INDICATORS
        for name, label in names.items():
            if name == "overall":
                continue
            self.fields[INDICATOR_PREFIX + name] = forms.TypedChoiceField(
                label=label,
                choices=[("", _("不评")), *_level_choices()],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.Select(attrs=SELECT),
            )

    def indicator_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(INDICATOR_PREFIX)]

    def indicators(self) -> dict[str, int]:
        return {
            name.removeprefix(INDICATOR_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(INDICATOR_PREFIX) and value is not None
        }

    def apply_errors(self, exc: ValidationError) -> None:
        """Put the service's field errors on the form's fields."""
        for name, messages in exc.message_dict.items():
            field = name.replace("indicators.", INDICATOR_PREFIX)
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)


class WindowRatingForm(RatingForm):
    """The window pad: also who served the visitor (optional) and a phone for a callback."""

    clerk = forms.TypedChoiceField(
        label=_("为您服务的工作人员（可不选）"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    contact_phone = forms.CharField(
        label=_("联系电话（可不填；差评整改时用于回访）"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "tel", "autocomplete": "tel"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, clerks: list[User], **kwargs: Any) -> None:
        super().__init__(*args, source=Source.WINDOW, **kwargs)
        field = self.fields["clerk"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—")] + [(c.pk, c.masked_name or c.username) for c in clerks]


class EvaluationFilterForm(forms.Form):
    level_max = forms.TypedChoiceField(
        label=_("等级不高于"),
        choices=[("", _("全部")), *_level_choices()],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    status = forms.ChoiceField(
        label=_("整改状态"),
        choices=[("", _("全部")), ("none", _("无需整改")), *Rectification.Status.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    source = forms.ChoiceField(
        label=_("渠道"),
        choices=[("", _("全部")), *Source.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    department = forms.CharField(
        label=_("部门代码"), required=False, max_length=16, widget=forms.TextInput(attrs=TEXT)
    )
    date_from = forms.DateField(
        label=_("起始日期"),
        required=False,
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}),
    )
    date_to = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}),
    )
    overdue = forms.BooleanField(label=_("只看逾期未整改"), required=False)


class RectificationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("verify", _("核实")),
            ("call_back", _("回访")),
            ("resolve", _("整改办结")),
            ("appeal", _("申诉")),
            ("review_appeal", _("复核申诉")),
        ],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("说明"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            ("", "—"),
            (Rectification.Outcome.FIXED, Rectification.Outcome.FIXED.label),
            (Rectification.Outcome.EXPLAINED, Rectification.Outcome.EXPLAINED.label),
        ],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    ground = forms.ChoiceField(
        label=_("申诉理由"),
        choices=[("", "—"), *Rectification.Ground.choices],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    upheld = forms.TypedChoiceField(
        label=_("复核结论"),
        choices=[("", "—"), ("1", _("申诉成立（不计入统计）")), ("0", _("申诉不成立（继续整改）"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
        widget=forms.Select(attrs=SELECT),
    )


def _default_from() -> dt.date:
    return timezone.localdate().replace(month=1, day=1)


class PeriodForm(forms.Form):
    date_from = forms.DateField(
        label=_("起始日期"),
        required=False,
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}),
    )
    date_to = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}),
    )

    def period(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        start = data.get("date_from") or _default_from()
        end = data.get("date_to") or today
        if end < start:
            start, end = end, start
        if (end - start).days > 3660:
            start = end - dt.timedelta(days=3660)
        return start, end


class WeightsForm(forms.ModelForm):
    class Meta:
        model = AssessmentWeights
        fields = [*AssessmentWeights.COMPONENTS, "case_target"]
        widgets = {
            name: forms.NumberInput(attrs={**TEXT, "min": 0, "max": 100})
            for name in [*AssessmentWeights.COMPONENTS, "case_target"]
        }


class AttendanceForm(forms.Form):
    clerk = forms.TypedChoiceField(
        label=_("工作人员"), coerce=int, widget=forms.Select(attrs=SELECT)
    )
    required_days = forms.IntegerField(
        label=_("应出勤天数"), min_value=1, max_value=31, widget=forms.NumberInput(attrs=TEXT)
    )
    present_days = forms.DecimalField(
        label=_("实际出勤天数"),
        min_value=0,
        max_value=31,
        decimal_places=1,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.5"}),
    )
    leave_days = forms.DecimalField(
        label=_("请假天数（经批准）"),
        min_value=0,
        max_value=31,
        decimal_places=1,
        initial=0,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.5"}),
    )
    late_times = forms.IntegerField(
        label=_("迟到早退次数"), min_value=0, initial=0, widget=forms.NumberInput(attrs=TEXT)
    )
    absent_times = forms.IntegerField(
        label=_("脱岗空岗次数"), min_value=0, initial=0, widget=forms.NumberInput(attrs=TEXT)
    )

    def __init__(self, *args: Any, clerks: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["clerk"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(c.pk, f"{c.name or c.username}（{c.username}）") for c in clerks]


class AttendanceImportForm(forms.Form):
    file = forms.FileField(
        label=_("考勤CSV文件"),
        help_text=_(
            "UTF-8 编码，首行为列名：username,required_days,present_days,leave_days,"
            "late_times,absent_times"
        ),
        widget=forms.ClearableFileInput(attrs={**TEXT, "accept": ".csv,text/csv"}),
    )


class StaffRecordForm(forms.Form):
    clerk = forms.TypedChoiceField(
        label=_("工作人员"), coerce=int, widget=forms.Select(attrs=SELECT)
    )
    kind = forms.ChoiceField(
        label=_("类型"), choices=StaffRecord.Kind.choices, widget=forms.Select(attrs=SELECT)
    )
    on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={**TEXT, "type": "date"}))
    points = forms.IntegerField(
        label=_("分值"),
        help_text=_("行为规范：加分为正、扣分为负；回访：满意100、不满意0；案卷评查：0–100分"),
        widget=forms.NumberInput(attrs=TEXT),
    )
    case_no = forms.CharField(
        label=_("办件编号（可不填）"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs=TEXT),
    )
    note = forms.CharField(
        label=_("说明"), max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )

    def __init__(self, *args: Any, clerks: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["clerk"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(c.pk, f"{c.name or c.username}（{c.username}）") for c in clerks]
