"""Reads of the staff workbench: each post's inbox, the case page, the first-contact log.

The inbox is built as one SQL query per page: the post decides which cases are in it, the
alert colour (``cases.queries.alert``) is computed in SQL from the same rule so that it can be
filtered, counted and sorted on (red, then yellow, then by due date) without loading 10,000
rows, and only the page's rows are fetched, with the columns the table shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.cases import queries as case_queries
from onewindow.cases import services as case_services
from onewindow.cases.models import Case, Status, Task
from onewindow.catalog.models import ItemVersion
from onewindow.core import crypto
from onewindow.identity import queries as identity_queries
from onewindow.identity.models import Organization, User
from onewindow.licences import queries as licence_queries

from .models import FirstContact

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from onewindow.licences.models import Licence

TaskStatus = Task.TaskStatus

# --- posts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """A view of the work: the roles that hold it and what its inbox contains."""

    key: str
    label: StrOrPromise
    roles: tuple[str, ...]


POSTS: tuple[Post, ...] = (
    Post("window", _("窗口受理"), ("window_clerk",)),
    Post("handler", _("承办"), ("handler",)),
    Post("reviewer", _("审核"), ("reviewer",)),
    Post("approver", _("审批"), ("approver",)),
    Post("overview", _("办件总览"), ("department_head", "centre_manager", "supervisor")),
)
WORKBENCH_ROLES: tuple[str, ...] = tuple(role for post in POSTS for role in post.roles)
TASK_POSTS = frozenset({"handler", "reviewer", "approver"})

OPEN_STATUSES: tuple[str, ...] = (
    Status.SUBMITTED,
    Status.CORRECTIONS_REQUESTED,
    Status.ACCEPTED,
    Status.IN_REVIEW,
    Status.SUSPENDED,
    Status.GRANTED,
    Status.DENIED,
)
RUNNING_STATUSES: tuple[str, ...] = (Status.ACCEPTED, Status.IN_REVIEW)
TO_DELIVER: tuple[str, ...] = (Status.GRANTED, Status.DENIED)
OPEN_TASK_STATUSES: tuple[str, ...] = (TaskStatus.WAITING, TaskStatus.ACTIVE)

# Alert colours in the order the inbox shows them; the rank is what SQL sorts on. The rule
# itself is the case engine's (``cases.alerts``), shared with the API and the sweep.
ALERTS: tuple[str, ...] = case_queries.ALERTS
ALERT_RANK: dict[str, int] = case_queries.ALERT_RANK
ALERT_LABELS: dict[str, StrOrPromise] = {
    "red": _("红灯（已超期）"),
    "yellow": _("黄灯（临近到期）"),
    "green": _("绿灯（正常）"),
    "none": _("未计时"),
}
ALERT_SHORT_LABELS: dict[str, StrOrPromise] = {
    "red": _("红灯"),
    "yellow": _("黄灯"),
    "green": _("绿灯"),
    "none": _("未计时"),
}


def role_grants(user: User) -> dict[str, int | None]:
    """The user's roles, each with the department it is held in (``User.role_grant_pairs``)."""
    return dict(user.role_grant_pairs())


def posts_of(user: User) -> list[Post]:
    grants = role_grants(user)
    return [post for post in POSTS if grants.keys() & set(post.roles)]


# --- the alert colour in SQL -----------------------------------------------------------------


def alert_rank(today: dt.date) -> SqlCase:
    """``cases.queries.alert`` as an SQL expression: 0 red, 1 yellow, 2 green, 3 none, with
    the per-item thresholds (``cases.queries.alert_rank``)."""
    return case_queries.alert_rank(today)


# --- the inbox -------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    item: str = ""
    status: str = ""
    alert: str = ""
    due_from: dt.date | None = None
    due_to: dt.date | None = None


@dataclass
class Counts:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_alert: dict[str, int] = field(default_factory=dict)


def _task_pool(user: User, role: str, department_id: int | None) -> QuerySet[Task]:
    mine = Q(assignee=user)
    if department_id is not None:
        mine |= Q(department_id=department_id)
    return Task.objects.filter(mine, status=TaskStatus.ACTIVE, role=role)


def post_cases(user: User, post: Post) -> QuerySet[Case]:
    """The cases in ``post``'s inbox for ``user`` (before filters)."""
    grants = role_grants(user)
    cases = Case.objects.all()
    if post.key == "window":
        # 一窗受理: a general window accepts any item, and hands out every result.
        return cases.filter(status__in=(Status.SUBMITTED, *TO_DELIVER))
    if post.key in TASK_POSTS:
        role = post.key
        department_id = grants.get(role)
        wanted = Q(pk__in=_task_pool(user, role, department_id).values("case_id"))
        if department_id is not None and role == "handler":
            # The department's handlers may also accept and deliver its cases.
            wanted |= Q(
                lead_department_id=department_id, status__in=(Status.SUBMITTED, *TO_DELIVER)
            )
        if department_id is not None and role == "approver":
            # Cases waiting for the decision (every task done) and special procedures.
            open_tasks = Task.objects.filter(case=OuterRef("pk"), status__in=OPEN_TASK_STATUSES)
            wanted |= Q(
                ~Exists(open_tasks),
                lead_department_id=department_id,
                status__in=RUNNING_STATUSES,
            )
            wanted |= Q(lead_department_id=department_id, status=Status.SUSPENDED)
        return cases.filter(wanted)
    scope = identity_queries.department_scope(user)
    cases = cases.filter(status__in=OPEN_STATUSES)
    if scope is None:
        return cases
    in_scope = Task.objects.filter(department_id__in=scope).values("case_id")
    return cases.filter(Q(lead_department_id__in=scope) | Q(pk__in=in_scope))


def _narrowed(cases: QuerySet[Case], filters: InboxFilters) -> QuerySet[Case]:
    if filters.item:
        cases = cases.filter(
            Q(implementation__implementation_code=filters.item)
            | Q(item_version__name__contains=filters.item)
        )
    if filters.due_from:
        cases = cases.filter(promised_due_date__gte=filters.due_from)
    if filters.due_to:
        cases = cases.filter(promised_due_date__lte=filters.due_to)
    return cases


@dataclass
class InboxRow:
    case: Case
    alert: str
    tasks: list[Task]
    acceptance_overdue: bool
    pre_review: bool


@dataclass
class Inbox:
    post: Post
    counts: Counts
    total: int
    rows: list[InboxRow]


ROW_FIELDS = (
    "case_no",
    "status",
    "channel",
    "applicant_kind",
    "applicant_name",
    "submitted_at",
    "promised_due_date",
    "implementation__implementation_code",
    "item_version__name",
    "item_version__online_depth",
    "item_version__promised_days",
    "lead_department__name",
    "lead_department__short_name",
)


def inbox(
    user: User,
    post: Post,
    filters: InboxFilters,
    *,
    offset: int = 0,
    limit: int = 20,
    today: dt.date | None = None,
) -> Inbox:
    """One page of ``post``'s inbox: red, then yellow cases first, then by due date."""
    today = today or timezone.localdate()
    cases = _narrowed(post_cases(user, post), filters).annotate(alert_rank=alert_rank(today))
    counts = _counts(cases)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.alert in ALERT_RANK:
        cases = cases.filter(alert_rank=ALERT_RANK[filters.alert])
    if filters.status and filters.alert:
        total = cases.count()
    elif filters.status:
        total = counts.by_status.get(filters.status, 0)
    elif filters.alert in ALERT_RANK:
        total = counts.by_alert.get(filters.alert, 0)
    else:
        total = counts.total
    page = list(
        cases.select_related("implementation", "item_version", "lead_department")
        .only(*ROW_FIELDS)
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=Task.objects.filter(status=TaskStatus.ACTIVE)
                .select_related("department")
                .only(
                    "case_id",
                    "stage",
                    "stage_name",
                    "role",
                    "due_date",
                    "assignee_id",
                    "department__name",
                    "department__short_name",
                )
                .order_by("stage", "id"),
                to_attr="active_tasks",
            )
        )
        .order_by(
            "alert_rank",
            F("promised_due_date").asc(nulls_last=True),
            "submitted_at",
            "case_no",
        )[offset : offset + limit]
    )
    rows = [
        InboxRow(
            case=case,
            alert=ALERTS[case.alert_rank],
            tasks=_mine(case.active_tasks, user, post),
            acceptance_overdue=case.status == Status.SUBMITTED
            and case_queries.acceptance_overdue(case, today),
            pre_review=is_pre_review(case),
        )
        for case in page
    ]
    return Inbox(post=post, counts=counts, total=total, rows=rows)


def _mine(tasks: list[Task], user: User, post: Post) -> list[Task]:
    if post.key not in TASK_POSTS:
        return tasks
    department_id = role_grants(user).get(post.key)
    return [
        t
        for t in tasks
        if t.role == post.key and (t.department_id == department_id or t.assignee_id == user.pk)
    ]


def _counts(cases: QuerySet[Case]) -> Counts:
    aggregates: dict[str, Any] = {"total": Count("pk")}
    for status in OPEN_STATUSES:
        aggregates[f"s_{status}"] = Count("pk", filter=Q(status=status))
    for name, rank in ALERT_RANK.items():
        aggregates[f"a_{name}"] = Count("pk", filter=Q(alert_rank=rank))
    values = cases.order_by().aggregate(**aggregates)
    return Counts(
        total=values["total"],
        by_status={s: values[f"s_{s}"] for s in OPEN_STATUSES if values[f"s_{s}"]},
        by_alert={a: values[f"a_{a}"] for a in ALERTS},
    )


# --- one case --------------------------------------------------------------------------------


def is_pre_review(case: Case) -> bool:
    """An online application of an item with online pre-review (网上预审), not yet accepted."""
    return (
        case.status == Status.SUBMITTED
        and case.channel != "window"
        and case.item_version.online_depth >= ItemVersion.OnlineDepth.PRE_REVIEW
    )


def case_for(user: User, case_no: str) -> Case | None:
    """The case ``case_no`` if ``user`` may see it (``cases.queries.visible_cases``), else None."""
    if not case_no or len(case_no) > 32:
        return None
    return case_queries.get_visible(user, case_no)


@dataclass
class CaseView:
    case: Case
    alert: str
    acceptance_overdue: bool
    pre_review: bool
    tasks: list[Task]
    materials: list[Any]
    requirements: list[Any]
    suspensions: list[Any]
    events: list[Any]
    documents: list[Any]


def case_view(case: Case, *, today: dt.date | None = None) -> CaseView:
    """Everything the case page shows, in a fixed number of queries."""
    today = today or timezone.localdate()
    version = case.item_version
    return CaseView(
        case=case,
        alert=case_queries.alert(case, today),
        acceptance_overdue=case_queries.acceptance_overdue(case, today),
        pre_review=is_pre_review(case),
        tasks=list(case.tasks.select_related("department", "assignee", "completed_by")),
        materials=list(case.materials.select_related("requirement", "file")),
        requirements=list(version.materials.all()),
        suspensions=list(case.suspensions.all()),
        events=list(case.events.select_related("actor").order_by("-at", "-id")),
        documents=list(case.documents.select_related("event").order_by("-created_at", "-id")),
    )


@dataclass(frozen=True)
class MaterialLicenceView:
    """A material that is an e-licence from the library (免提交), as staff check it: the
    licence's status today and whether its SM2 signature verifies over its data."""

    licence: Licence
    status: str
    status_label: str
    holder: str
    issuer: str
    sm2_ok: bool
    may_open_record: bool

    @property
    def valid(self) -> bool:
        return self.status == "valid" and self.sm2_ok


def material_licences(
    user: User, materials: Iterable[Any], *, today: dt.date | None = None
) -> dict[int, MaterialLicenceView]:
    """The materials of a case that reuse a licence, by material id, each checked now."""
    from onewindow.licences.models import Licence

    today = today or timezone.localdate()
    result: dict[int, MaterialLicenceView] = {}
    for material in materials:
        licence = licence_queries.licence_for_material(material)
        if licence is None:
            continue
        status = licence.current_status(today)
        result[material.pk] = MaterialLicenceView(
            licence=licence,
            status=status,
            status_label=str(Licence.Status(status).label),
            holder=licence_queries.masked_holder(licence),
            issuer=licence.department.name,
            sm2_ok=licence_queries.sm2_ok(licence),
            may_open_record=licence_queries.may_view_as_staff(user, licence),
        )
    return result


@dataclass(frozen=True)
class AllowedActions:
    """The actions this person may take on this case now (state table ∩ API.md's rights)."""

    names: tuple[str, ...]
    tasks: tuple[Task, ...] = ()

    def __contains__(self, action: object) -> bool:
        return action in self.names

    def __bool__(self) -> bool:
        return bool(self.names)


def allowed_actions(user: User, case: Case, tasks: Iterable[Task]) -> AllowedActions:
    """What ``user`` may do now (``cases.services.actions_for``: the state table narrowed to
    the person's rights), with the active tasks they may complete."""
    tasks = list(tasks)
    names = tuple(case_services.actions_for(user, case, tasks))
    mine = tuple(
        t for t in tasks if t.status == TaskStatus.ACTIVE and user.holds(t.role, t.department_id)
    )
    return AllowedActions(names=names, tasks=mine if "complete_task" in names else ())


# --- intake ----------------------------------------------------------------------------------


def find_person(id_number: str) -> User | None:
    return User.objects.filter(
        id_number_digest=crypto.digest(id_number, purpose="id_number")
    ).first()


def find_organization(credit_code: str) -> Organization | None:
    return Organization.objects.select_related("account").filter(credit_code=credit_code).first()


# --- first-contact log -----------------------------------------------------------------------

LOG_WIDE_ROLES = ("centre_manager", "supervisor")


@dataclass(frozen=True)
class ContactFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    item: str = ""


def first_contacts(user: User, filters: ContactFilters) -> QuerySet[FirstContact]:
    """Entries ``user`` may read: their own; the centre's managers and supervisors read all."""
    entries = FirstContact.objects.select_related(
        "clerk", "window", "implementation__current_version", "case"
    )
    if not user.has_role(*LOG_WIDE_ROLES):
        entries = entries.filter(clerk=user)
    if filters.date_from:
        entries = entries.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(at__date__lte=filters.date_to)
    if filters.item:
        entries = entries.filter(
            Q(implementation__implementation_code=filters.item)
            | Q(implementation__current_version__name__contains=filters.item)
        )
    return entries.order_by("-at", "-id")
