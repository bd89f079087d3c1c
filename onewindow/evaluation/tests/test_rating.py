"""The rating rules (国办发〔2019〕51号): once per case, only after completion, only the
applicant or their agent, reasons for bad ratings, the default after 7 days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from onewindow.cases import services as case_services
from onewindow.core.models import AuditRecord
from onewindow.evaluation import services
from onewindow.evaluation.models import Evaluation, EvaluationDaily, Rectification
from onewindow.identity import services as identity

pytestmark = pytest.mark.django_db


def test_the_applicant_rates_a_completed_case_once(completed, people):
    evaluation = services.rate_case(
        completed, actor=people["citizen"], level=5, indicators={"efficiency": 4}
    )
    assert evaluation.source == "online"
    assert evaluation.indicators == {"overall": 5, "efficiency": 4}
    assert evaluation.department_id == completed.lead_department_id
    assert evaluation.implementation_id == completed.implementation_id
    assert evaluation.clerk == people["clerk"]  # who accepted the case
    assert not hasattr(evaluation, "rectification") or evaluation.rectification is None
    assert AuditRecord.objects.filter(action="evaluation.rate", object_id=evaluation.pk).exists()
    with pytest.raises(services.Conflict) as exc:
        services.rate_case(completed, actor=people["citizen"], level=4)
    assert exc.value.code == "already_rated"
    assert Evaluation.objects.filter(case=completed).count() == 1


def test_a_case_cannot_be_rated_before_it_is_completed(submitted, people):
    with pytest.raises(services.Conflict) as exc:
        services.rate_case(submitted, actor=people["citizen"], level=5)
    assert exc.value.code == "not_completed"
    case = case_services.accept(submitted, actor=people["clerk"])
    with pytest.raises(services.Conflict):
        services.rate_case(case, actor=people["citizen"], level=5)
    assert not Evaluation.objects.exists()


def test_only_the_applicant_or_their_agent_may_rate(completed, people):
    for outsider in (people["other"], people["clerk"], people["approver"]):
        with pytest.raises(PermissionDenied):
            services.rate_case(completed, actor=outsider, level=1, reasons=["slow"])
    identity.authorize_agent(
        principal=people["citizen"],
        agent=people["other"],
        scopes=["follow"],
        expires_at=timezone.now() + dt.timedelta(days=30),
        actor=people["citizen"],
    )
    evaluation = services.rate_case(completed, actor=people["other"], level=4)
    assert evaluation.rater == people["other"]
    record = AuditRecord.objects.get(action="evaluation.rate")
    assert record.on_behalf_of_id == people["citizen"].pk


@pytest.mark.parametrize("level", [1, 2])
def test_bad_ratings_require_reasons(completed, people, level):
    with pytest.raises(ValidationError) as exc:
        services.rate_case(completed, actor=people["citizen"], level=level)
    assert "reasons" in exc.value.message_dict
    assert not Evaluation.objects.exists()
    evaluation = services.rate_case(
        completed, actor=people["citizen"], level=level, reasons=["slow", "办事指南不清晰、不准确"]
    )
    assert evaluation.reasons == ["slow", "unclear_guide"]  # codes, also from their labels


def test_rating_input_errors_name_the_field(completed, people):
    cases = [
        ({"level": 6}, "level"),
        ({"level": 4, "reasons": ["slow"]}, "reasons"),
        ({"level": 1, "reasons": ["no-such-reason"]}, "reasons"),
        ({"level": 1, "reasons": ["other"]}, "comment"),
        ({"level": 5, "indicators": {"attitude": 5}}, "indicators.attitude"),  # offline only
        ({"level": 5, "indicators": {"efficiency": 9}}, "indicators.efficiency"),
        ({"level": 5, "indicators": {"overall": 3}}, "indicators.overall"),
        ({"level": 5, "comment": "长" * 501}, "comment"),
    ]
    for fields, name in cases:
        with pytest.raises(ValidationError) as exc:
            services.rate_case(completed, actor=people["citizen"], **fields)
        assert name in exc.value.message_dict, fields
    assert not Evaluation.objects.exists()


def _complete_at(case, moment):
    case.completed_at = moment
    case.save(update_fields=["completed_at"])
    return case


def test_no_rating_within_seven_days_counts_as_basically_satisfied(completed, people):
    finished = timezone.make_aware(dt.datetime(2025, 3, 3, 10, 30))
    _complete_at(completed, finished)
    period_end = finished + dt.timedelta(days=7)
    assert services.apply_default_ratings(at=period_end - dt.timedelta(seconds=1)) == 0
    assert not Evaluation.objects.exists()
    assert services.apply_default_ratings(at=period_end) == 1
    evaluation = Evaluation.objects.get(case=completed)
    assert evaluation.defaulted
    assert evaluation.level == 3
    assert evaluation.rated_at == period_end
    assert evaluation.rated_on == dt.date(2025, 3, 10)
    assert evaluation.clerk == people["clerk"]
    assert services.apply_default_ratings(at=period_end + dt.timedelta(days=30)) == 0
    row = EvaluationDaily.objects.get(day=dt.date(2025, 3, 10))
    assert (row.evaluations, row.defaulted, row.satisfied, row.good, row.bad) == (1, 1, 1, 0, 0)
    assert AuditRecord.objects.filter(action="evaluation.default").count() == 1


def test_the_applicant_cannot_rate_after_the_period(completed, people):
    finished = timezone.now() - dt.timedelta(days=7, minutes=1)
    _complete_at(completed, finished)
    with pytest.raises(services.Conflict) as exc:
        services.rate_case(completed, actor=people["citizen"], level=5)
    assert exc.value.code == "rating_closed"
    just_in_time = finished + dt.timedelta(days=7) - dt.timedelta(seconds=1)
    evaluation = services.rate_case(completed, actor=people["citizen"], level=5, at=just_in_time)
    assert not evaluation.defaulted


def test_a_rating_in_time_prevents_the_default(completed, people):
    services.rate_case(completed, actor=people["citizen"], level=4)
    later = timezone.now() + dt.timedelta(days=8)
    assert services.apply_default_ratings(at=later) == 0
    assert Evaluation.objects.get(case=completed).level == 4


def test_defaults_are_written_in_batches(item, people):
    from onewindow.cases.models import Case, Status

    from .conftest import complete
    from .test_stats import submit

    cases = [complete(submit(item, people), people) for _ in range(5)]
    past = timezone.now() - dt.timedelta(days=10)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(completed_at=past)
    assert Case.objects.filter(status=Status.COMPLETED).count() == 5
    assert services.apply_default_ratings(batch_size=2) == 5
    assert Evaluation.objects.filter(defaulted=True).count() == 5
    assert sum(EvaluationDaily.objects.values_list("evaluations", flat=True)) == 5


def test_a_bad_rating_opens_a_rectification_due_in_15_working_days(
    completed, people, official_calendar
):
    # Rated on Friday 26 September 2025: the National Day holiday (1–8 October) does not
    # count, the adjusted working days (Sunday 28 September, Saturday 11 October) do.
    at = timezone.make_aware(dt.datetime(2025, 9, 26, 15, 0))
    _complete_at(completed, at - dt.timedelta(days=1))
    evaluation = services.rate_case(
        completed, actor=people["citizen"], level=1, reasons=["attitude"], at=at
    )
    rectification = evaluation.rectification
    assert rectification.status == Rectification.Status.OPEN
    assert rectification.opened_on == dt.date(2025, 9, 26)
    assert rectification.deadline == dt.date(2025, 10, 23)
    assert not rectification.deadline_provisional
    assert rectification.department_id == completed.lead_department_id
