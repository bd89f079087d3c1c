"""Published statistics and ``rating_counts``: the arithmetic, and the rollup equal to a
recount from the raw ratings after a random sequence of actions."""

from __future__ import annotations

import contextlib
import datetime as dt
import random

import pytest
from django.utils import timezone

from onewindow.cases import services as case_services
from onewindow.cases.tests.conftest import upload
from onewindow.evaluation import queries, services, stats
from onewindow.evaluation.models import Evaluation

from .conftest import complete

pytestmark = pytest.mark.django_db


def submit(item, people):
    requirement = item.current_version.materials.get(name="申请书")
    return case_services.submit_case(
        item,
        form={"venue": "示例影城", "area": 1200},
        channel="online",
        materials=[{"requirement_id": requirement.pk, "file_id": upload(people["citizen"]).pk}],
        actor=people["citizen"],
    )


def test_rating_counts_by_period_department_and_item(item, people, hall):
    day = timezone.make_aware(dt.datetime(2025, 5, 6, 10))
    cases = [complete(submit(item, people), people) for _ in range(3)]
    for case, level, at in zip(
        cases, [5, 2, 3], [day, day, day + dt.timedelta(days=1)], strict=True
    ):
        case.completed_at = at - dt.timedelta(hours=1)
        case.save(update_fields=["completed_at"])
        services.rate_case(
            case, actor=people["citizen"], level=level, reasons=["slow"] if level < 3 else [], at=at
        )
    services.rate_window(hall["general"], actor=None, level=1, reasons=["attitude"], at=day)
    services.rate_window(hall["scjg"], actor=None, level=4, at=day)
    may6, may7 = dt.date(2025, 5, 6), dt.date(2025, 5, 7)
    scjg = item.department_id
    assert stats.rating_counts(may6, may7) == {"evaluations": 5, "satisfied": 3}
    assert stats.rating_counts(may6, may6) == {"evaluations": 4, "satisfied": 2}
    assert stats.rating_counts(may6, may7, department_id=scjg) == {
        "evaluations": 4,  # three cases and the SCJG window; the general window has none
        "satisfied": 3,
    }
    assert stats.rating_counts(may7, None, implementation_id=item.pk) == {
        "evaluations": 1,
        "satisfied": 1,
    }
    assert stats.rating_counts(dt.date(2025, 5, 8), None) == {"evaluations": 0, "satisfied": 0}


def test_published_rates(item, people, overseers):
    cases = [complete(submit(item, people), people) for _ in range(4)]
    services.rate_case(cases[0], actor=people["citizen"], level=5)
    services.rate_case(cases[1], actor=people["citizen"], level=4)
    bad = services.rate_case(cases[2], actor=people["citizen"], level=1, reasons=["slow"])
    cases[3].completed_at = timezone.now() - dt.timedelta(days=7)
    cases[3].save(update_fields=["completed_at"])
    assert services.apply_default_ratings() == 1
    today = timezone.localdate()
    head = overseers["head"]
    rectification = services.act_on_rectification(
        bad.rectification, "verify", actor=head, note="属实"
    )
    figures = queries.figures(None, None, department_id=item.department_id)
    assert figures.rectification_rate == 0
    assert figures.callback_rate == 0
    services.act_on_rectification(rectification, "call_back", actor=head, note="已回访")
    figures = queries.figures(None, None)
    assert (figures.callback_rate, figures.rectification_rate) == (100, 0)
    services.act_on_rectification(
        rectification, "resolve", actor=head, outcome="explained", note="已解释"
    )
    published = queries.published_stats(today - dt.timedelta(days=30), today)
    total = published.total
    assert total.evaluations == 4
    assert total.rating_rate == 75  # one of four defaulted
    assert total.good_rate == 50
    assert total.bad_rate == 25
    assert total.satisfaction_rate == 75
    assert total.rectification_rate == 100
    assert total.callback_rate == 100
    assert [row.evaluations for row in published.by_department] == [4]
    assert [row.evaluations for row in published.by_item] == [4]
    assert published.by_window == []


def test_rates_without_ratings_are_blank():
    figures = queries.figures(None, None)
    assert figures.evaluations == 0
    assert figures.good_rate is None
    assert figures.rectification_rate is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rollup_equals_a_recount_after_random_actions(seed, item, people, overseers, hall):
    rng = random.Random(seed)
    head, supervisor = overseers["head"], overseers["supervisor"]
    cases = [complete(submit(item, people), people) for _ in range(4)]
    now = timezone.now()
    for step in range(25):
        choice = rng.choice(["rate", "window", "act", "default"])
        at = now + dt.timedelta(hours=step * 7)
        if choice == "rate":
            case = rng.choice(cases)
            level = rng.randint(1, 5)
            with contextlib.suppress(services.Conflict):
                services.rate_case(
                    case,
                    actor=people["citizen"],
                    level=level,
                    reasons=["slow"] if level < 3 else [],
                    at=at,
                )
        elif choice == "window":
            level = rng.randint(1, 5)
            services.rate_window(
                rng.choice([hall["general"], hall["scjg"]]),
                actor=None,
                level=level,
                reasons=["attitude"] if level < 3 else [],
                at=at,
            )
        elif choice == "default":
            services.apply_default_ratings(at=at + dt.timedelta(days=rng.randint(0, 9)))
        else:
            open_ones = [
                e.rectification
                for e in Evaluation.objects.filter(rectification__isnull=False).exclude(
                    rectification__status="closed"
                )
            ]
            if not open_ones:
                continue
            rectification = rng.choice(open_ones)
            allowed = services.allowed_rectification_actions(
                head, rectification
            ) + services.allowed_rectification_actions(supervisor, rectification)
            if not allowed:
                continue
            action = rng.choice(allowed)
            actor = supervisor if action == "review_appeal" else head
            services.act_on_rectification(
                rectification,
                action,
                actor=actor,
                note="记录",
                outcome=rng.choice(["fixed", "explained"]),
                ground=rng.choice(["mistaken", "malicious"]),
                upheld=rng.choice([True, False]),
                at=at,
            )
    assert queries.rollup_snapshot() == queries.recount()
