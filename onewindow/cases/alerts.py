"""Green, yellow and red: the alert colour of DESIGN.md "Oversight", in one place.

A running case (by its promised due date) or an active task (by its own due date) is

* red when the day is past the due date;
* yellow when the working days after the day up to the due date
  (``calendar.workdays_between``) are at most its threshold: the yellow share of its limit,
  rounded down, and at least the minimum — ``max(min_workdays, limit * yellow_percent // 100)``
  (``Threshold.workdays``);
* green otherwise.

A case that is not running (not accepted or in review, or without a due date) has no colour:
``"none"``. The limit is the item version's promised days for a case, the stage's days for a
task.

The share and the minimum default to ``ONEWINDOW_SUPERVISION_YELLOW_PERCENT`` (20) and
``ONEWINDOW_SUPERVISION_YELLOW_MIN_WORKDAYS`` (1) and are overridden per item by the
supervision app's ``AlertThreshold`` table. That app sits above the case engine, so it
registers its loader here (``register_overrides``, from its ``AppConfig.ready()``); without
it every item has the default. ``load()`` reads the default and every override at once (one
small query): a request or a listing loads them once and passes the ``Thresholds`` on, so
colouring many cases costs no query per case.

Everything that shows a colour goes through this module: ``level()`` for one subject,
``case_alert()`` for one case (``cases.queries.alert``: the Cases API, the portal, the
workbench's case page) and ``rank()`` for many cases in SQL (the workbench inbox and the
Cases API's ``alert`` filter). The supervision sweep keeps the same rule in SQL as the first
yellow day of each subject (``supervision.subjects``, ``supervision.thresholds.yellow_from``);
``workbench/tests/test_alert_rule.py`` holds all of them equal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Q, Value, When

from onewindow.catalog.models import ItemVersion
from onewindow.core import calendar

from .models import Case, Status

# Alert colours in the order lists show them; the rank is what SQL sorts and filters on.
ALERTS: tuple[str, ...] = ("red", "yellow", "green", "none")
ALERT_RANK: dict[str, int] = {name: rank for rank, name in enumerate(ALERTS)}
RUNNING: tuple[str, ...] = (Status.ACCEPTED, Status.IN_REVIEW)


@dataclass(frozen=True)
class Threshold:
    """The yellow threshold of an item: a share of its limit (per cent) and a minimum
    (working days). Both are whole and not negative, so ``//`` here and the integer
    division of the sweep's SQL (which truncates) round alike."""

    yellow_percent: int
    min_workdays: int

    def __post_init__(self) -> None:
        if not 0 <= self.yellow_percent <= 100:
            raise ValueError(f"yellow_percent must be 0–100, not {self.yellow_percent}")
        if self.min_workdays < 0:
            raise ValueError(f"min_workdays must not be negative, not {self.min_workdays}")

    def workdays(self, limit: int) -> int:
        """The yellow threshold in working days for a limit of ``limit`` days."""
        return max(self.min_workdays, limit * self.yellow_percent // 100)


def default() -> Threshold:
    """The threshold of every item without its own, from the settings."""
    try:
        return Threshold(
            yellow_percent=settings.ONEWINDOW_SUPERVISION_YELLOW_PERCENT,
            min_workdays=settings.ONEWINDOW_SUPERVISION_YELLOW_MIN_WORKDAYS,
        )
    except ValueError as error:
        raise ImproperlyConfigured(
            "ONEWINDOW_SUPERVISION_YELLOW_PERCENT must be 0–100 and"
            f" ONEWINDOW_SUPERVISION_YELLOW_MIN_WORKDAYS not negative: {error}"
        ) from error


def level(day: dt.date, due: dt.date, limit: int, threshold: Threshold) -> str:
    """green / yellow / red on ``day`` of one subject due on ``due`` with a limit of
    ``limit`` days."""
    if day > due:
        return "red"
    remaining = calendar.workdays_between(day, due)
    return "yellow" if remaining <= threshold.workdays(limit) else "green"


# --- per-item thresholds ---------------------------------------------------------------------

OverridesSource = Callable[[], Mapping[int, Threshold]]


@dataclass
class _Registry:
    """The loader of the per-item thresholds, set once at start-up by the app that owns
    them (the same in every process, as a signal receiver is), never data."""

    source: OverridesSource | None = None


_registry = _Registry()


def register_overrides(source: OverridesSource | None) -> None:
    """Read the per-item thresholds with ``source``: a callable returning
    ``{implementation_id: Threshold}`` for every item that has its own (``None`` forgets it)."""
    _registry.source = source


@dataclass(frozen=True)
class Thresholds:
    """The default threshold and every per-item one, as read at one moment."""

    default: Threshold
    items: Mapping[int, Threshold] = field(default_factory=dict)

    def of(self, implementation_id: int) -> Threshold:
        return self.items.get(implementation_id, self.default)


def load() -> Thresholds:
    """The thresholds now: the settings' default and the registered per-item ones."""
    source = _registry.source
    items = dict(source()) if source is not None else {}
    return Thresholds(default=default(), items=MappingProxyType(items))


# --- cases -----------------------------------------------------------------------------------


def case_alert(case: Case, day: dt.date, thresholds: Thresholds | None = None) -> str:
    """green / yellow / red of a running case on ``day`` by its promised due date, ``"none"``
    for a case that is not running."""
    if case.status not in RUNNING or case.promised_due_date is None:
        return "none"
    if thresholds is None:
        thresholds = load()
    return level(
        day,
        case.promised_due_date,
        case.item_version.promised_days,
        thresholds.of(case.implementation_id),
    )


def rank(day: dt.date, thresholds: Thresholds | None = None) -> SqlCase:
    """``case_alert`` as an SQL expression over ``Case`` rows, its ``ALERT_RANK``: 0 red,
    1 yellow, 2 green, 3 none.

    Yellow is ``workdays_between(day, due) <= k``, that is, the due date falls before the
    (k+1)-th working day after ``day``. ``k`` follows from the item's threshold and the
    version's promised days, so one cut-off date is worked out per threshold in use, each
    with the (item, promised days) pairs that have it: the catalog's distinct promised
    limits are few, and so are the distinct per-item thresholds.
    """
    if thresholds is None:
        thresholds = load()
    limits = sorted(
        ItemVersion.objects.order_by().values_list("promised_days", flat=True).distinct()
    )
    by_threshold: dict[Threshold, list[int]] = {}
    for implementation_id, threshold in thresholds.items.items():
        by_threshold.setdefault(threshold, []).append(implementation_id)
    scopes: list[tuple[Threshold, Q]] = [
        (thresholds.default, ~Q(implementation_id__in=list(thresholds.items)))
        if thresholds.items
        else (thresholds.default, Q())
    ]
    scopes += [
        (threshold, Q(implementation_id__in=sorted(ids)))
        for threshold, ids in sorted(by_threshold.items(), key=lambda pair: min(pair[1]))
    ]
    conditions: dict[int, Q] = {}
    for threshold, scope in scopes:
        by_workdays: dict[int, list[int]] = {}
        for limit in limits:
            by_workdays.setdefault(threshold.workdays(limit), []).append(limit)
        for workdays, days in by_workdays.items():
            condition = scope & Q(item_version__promised_days__in=days)
            conditions[workdays] = (
                conditions[workdays] | condition if workdays in conditions else condition
            )
    yellow = [
        When(
            condition & Q(promised_due_date__lt=calendar.add_workdays(day, workdays + 1).date),
            then=Value(ALERT_RANK["yellow"]),
        )
        for workdays, condition in sorted(conditions.items())
    ]
    return SqlCase(
        When(
            ~Q(status__in=RUNNING) | Q(promised_due_date__isnull=True),
            then=Value(ALERT_RANK["none"]),
        ),
        When(promised_due_date__lt=day, then=Value(ALERT_RANK["red"])),
        *yellow,
        default=Value(ALERT_RANK["green"]),
        output_field=IntegerField(),
    )
