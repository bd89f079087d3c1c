"""Forms of the staff workbench. Action forms only parse what the person typed: the case
engine decides, and its errors are put back on the form's fields (``apply_engine_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import Status, Suspension, Task
from onewindow.catalog.models import MaterialRequirement
from onewindow.org.models import Window

from . import queries

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
NOTE_MAX = 2000
REASONS_MAX = 50


def _required_in_browser(form: forms.Form) -> None:
    """Leave the checks to the server: the engine's message is the one the clerk should read."""
    form.use_required_attribute = False


# --- the inbox -------------------------------------------------------------------------------


class InboxFilterForm(forms.Form):
    post = forms.CharField(required=False, widget=forms.HiddenInput)
    item = forms.CharField(
        label=_("事项"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("事项名称或实施编码")}),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态"))]
        + [(s, label) for s, label in Status.choices if s in queries.OPEN_STATUSES],
    )
    alert = forms.ChoiceField(
        label=_("预警"),
        required=False,
        choices=[("", _("全部")), *queries.ALERT_LABELS.items()],
    )
    due_from = forms.DateField(label=_("到期日自"), required=False, widget=DATE_INPUT)
    due_to = forms.DateField(label=_("到期日至"), required=False, widget=DATE_INPUT)

    def filters(self) -> queries.InboxFilters:
        data = self.cleaned_data
        return queries.InboxFilters(
            item=data.get("item") or "",
            status=data.get("status") or "",
            alert=data.get("alert") or "",
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
        )


# --- case actions ----------------------------------------------------------------------------


class ActionForm(forms.Form):
    """A note for the record; subclasses add what their action needs."""

    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required_in_browser(self)

    def payload(self) -> dict[str, Any]:
        return {"note": self.cleaned_data.get("note") or ""}

    def error_field(self, key: str) -> str | None:
        """The field an engine error key (``reasons``, ``suspension.kind``…) belongs to."""
        name = key.rsplit(".", 1)[-1]
        return name if name in self.fields else None


class ReasonsForm(ActionForm):
    reasons = forms.CharField(
        label=_("理由（每行一条）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    field_order = ["reasons", "note"]

    def payload(self) -> dict[str, Any]:
        lines = (self.cleaned_data.get("reasons") or "").splitlines()
        reasons = [line.strip() for line in lines if line.strip()][: REASONS_MAX + 1]
        return {**super().payload(), "reasons": reasons}


class CorrectionsForm(ActionForm):
    """One line per material requirement: tick the faulty ones and say why (一次性告知)."""

    def __init__(self, *args: Any, requirements: list[MaterialRequirement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requirements = requirements
        for requirement in requirements:
            self.fields[f"faulty_{requirement.pk}"] = forms.BooleanField(
                label=requirement.name, required=False
            )
            self.fields[f"reason_{requirement.pk}"] = forms.CharField(
                label=_("补正原因"),
                required=False,
                max_length=500,
                widget=forms.TextInput(
                    attrs={
                        "placeholder": _("如：复印件不清晰，请重新扫描"),
                        "class": "ow-wb-reason",
                    }
                ),
            )
        self.order_fields([*(k for k in self.fields if k != "note"), "note"])
        self._listed: list[int] = []

    def lines(self) -> list[tuple[MaterialRequirement, forms.BoundField, forms.BoundField]]:
        return [(r, self[f"faulty_{r.pk}"], self[f"reason_{r.pk}"]) for r in self.requirements]

    def payload(self) -> dict[str, Any]:
        corrections = []
        self._listed = []
        for requirement in self.requirements:
            reason = self.cleaned_data.get(f"reason_{requirement.pk}") or ""
            if self.cleaned_data.get(f"faulty_{requirement.pk}") or reason.strip():
                corrections.append({"requirement_id": requirement.pk, "reason": reason})
                self._listed.append(requirement.pk)
        return {**super().payload(), "corrections": corrections}

    def error_field(self, key: str) -> str | None:
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "corrections" and parts[1].isdigit():
            index = int(parts[1])
            if index < len(self._listed):
                return f"reason_{self._listed[index]}"
        return None


class TaskForm(ActionForm):
    opinion = forms.ChoiceField(
        label=_("办理意见"),
        required=False,
        choices=[("agree", _("同意")), ("disagree", _("不同意"))],
        widget=forms.RadioSelect,
    )
    field_order = ["opinion", "note"]

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task

    def payload(self) -> dict[str, Any]:
        return {
            **super().payload(),
            "task_id": self.task.pk,
            "opinion": self.cleaned_data.get("opinion") or "",
        }


class SuspendForm(ActionForm):
    kind = forms.ChoiceField(
        label=_("特别程序"), required=False, choices=[("", "—"), *Suspension.Kind.choices]
    )
    max_workdays = forms.IntegerField(label=_("最长工作日"), required=False, min_value=0)
    field_order = ["kind", "max_workdays", "note"]

    def payload(self) -> dict[str, Any]:
        return {
            **super().payload(),
            "suspension": {
                "kind": self.cleaned_data.get("kind") or "",
                "max_workdays": self.cleaned_data.get("max_workdays"),
            },
        }


class DeliverForm(ActionForm):
    method = forms.ChoiceField(
        label=_("送达方式"),
        required=False,
        choices=[
            ("", "—"),
            ("pickup", _("窗口领取")),
            ("mail", _("邮寄送达")),
            ("online", _("网上送达")),
        ],
    )
    tracking_no = forms.CharField(label=_("运单号"), required=False, max_length=50)
    field_order = ["method", "tracking_no", "note"]

    def payload(self) -> dict[str, Any]:
        return {
            **super().payload(),
            "delivery": {
                "method": self.cleaned_data.get("method") or "",
                "tracking_no": self.cleaned_data.get("tracking_no") or "",
            },
        }


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "accept": ActionForm,
    "reject": ReasonsForm,
    "request_corrections": CorrectionsForm,
    "complete_task": TaskForm,
    "grant": ActionForm,
    "deny": ReasonsForm,
    "suspend": SuspendForm,
    "resume": ActionForm,
    "deliver": DeliverForm,
    "terminate": ReasonsForm,
}
ACTION_LABELS = {
    "accept": _("受理"),
    "reject": _("作出不予受理决定"),
    "request_corrections": _("一次性告知补正"),
    "complete_task": _("办理环节"),
    "grant": _("作出准予许可决定"),
    "deny": _("作出不予许可决定"),
    "suspend": _("启动特别程序"),
    "resume": _("结束特别程序"),
    "deliver": _("送达"),
    "terminate": _("终止办理"),
}


def action_form(
    action: str,
    data: Any = None,
    *,
    requirements: list[MaterialRequirement],
    task: Task | None = None,
) -> ActionForm:
    form_class = ACTION_FORMS[action]
    if form_class is CorrectionsForm:
        return CorrectionsForm(data, prefix=action, requirements=requirements)
    if form_class is TaskForm:
        if task is None:
            raise ValueError("complete_task needs its task")
        return TaskForm(data, prefix=f"task{task.pk}", task=task)
    return form_class(data, prefix=action)


# --- intake ----------------------------------------------------------------------------------


class ApplicantForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("申请人类型"),
        choices=[("person", _("自然人")), ("organization", _("法人及其他组织"))],
        widget=forms.RadioSelect,
        initial="person",
    )
    name = forms.CharField(label=_("姓名或单位名称"), max_length=200, required=False)
    id_number = forms.CharField(
        label=_("公民身份号码"),
        max_length=18,
        required=False,
        help_text=_("18位，末位校验码为数字或X"),
    )
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=18, required=False, help_text=_("18位")
    )
    legal_representative = forms.CharField(
        label=_("法定代表人"),
        max_length=100,
        required=False,
        help_text=_("单位首次登记时填写"),
    )
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required_in_browser(self)
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})


class ItemSearchForm(forms.Form):
    q = forms.CharField(
        label=_("检索事项"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("输入事项名称或关键词"), "type": "search"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MaterialField(forms.FileField):
    """One or more files (pages of a scan) for one material requirement."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if not uploads:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MaterialField, self).clean(upload, initial) for upload in uploads]


class MaterialsForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("受理方式"),
        choices=[
            ("accept", _("当场受理（出具受理通知书）")),
            ("queue", _("转交部门受理")),
        ],
        widget=forms.RadioSelect,
        initial="accept",
    )

    def __init__(self, *args: Any, requirements: list[MaterialRequirement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required_in_browser(self)
        self.requirements = requirements
        for requirement in requirements:
            self.fields[f"material_{requirement.pk}"] = MaterialField(
                label=requirement.name,
                required=requirement.required,
                help_text=requirement.notes,
                widget=MultipleFileInput(
                    attrs={"accept": "application/pdf,image/jpeg,image/png,.ofd,.docx,.xlsx"}
                ),
            )
        self.order_fields([*(f"material_{r.pk}" for r in requirements), "decision"])

    def uploads(self) -> dict[int, list[UploadedFile]]:
        return {
            r.pk: self.cleaned_data.get(f"material_{r.pk}") or []
            for r in self.requirements
            if self.cleaned_data.get(f"material_{r.pk}")
        }


# --- first-contact log -----------------------------------------------------------------------


class FirstContactForm(forms.Form):
    enquirer_name = forms.CharField(label=_("咨询人"), max_length=100, required=False)
    enquirer_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    window = forms.ModelChoiceField(
        label=_("窗口"), queryset=Window.objects.none(), required=False, empty_label="—"
    )
    item = forms.CharField(
        label=_("事项实施编码"),
        required=False,
        max_length=40,
        help_text=_("可选；咨询涉及具体事项时填写"),
    )
    case_no = forms.CharField(
        label=_("办件编号"),
        required=False,
        max_length=32,
        help_text=_("可选；咨询后当场申请的办件"),
    )
    question = forms.CharField(label=_("咨询内容"), widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required_in_browser(self)
        self.fields["window"].queryset = Window.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).select_related("center")
        self.fields["question"].required = False
        self.fields["answer"].required = False


class ContactFilterForm(forms.Form):
    date_from = forms.DateField(label=_("日期自"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("日期至"), required=False, widget=DATE_INPUT)
    item = forms.CharField(label=_("事项"), required=False, max_length=100)

    def filters(self) -> queries.ContactFilters:
        return queries.ContactFilters(
            date_from=self.cleaned_data.get("date_from"),
            date_to=self.cleaned_data.get("date_to"),
            item=self.cleaned_data.get("item") or "",
        )
