"""差评整改: verify, call back, fix or explain, or appeal; the rater hears the outcome and may
rate once more; illegal moves change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from onewindow.cases.models import Message
from onewindow.core.models import AuditRecord
from onewindow.evaluation import services, stats
from onewindow.evaluation.models import Evaluation, Rectification

pytestmark = pytest.mark.django_db
RS = Rectification.Status


@pytest.fixture
def bad(completed, people):
    return services.rate_case(
        completed, actor=people["citizen"], level=2, reasons=["slow"], comment="等了很久"
    )


def act(rectification, action, actor, **kwargs):
    kwargs.setdefault("note", "说明")
    return services.act_on_rectification(rectification, action, actor=actor, **kwargs)


def test_the_full_rectification_and_one_more_rating(bad, people, overseers, completed):
    rectification = bad.rectification
    head = overseers["head"]
    rectification = act(rectification, "verify", head, note="已调取办理记录，情况属实")
    assert rectification.status == RS.VERIFIED
    rectification = act(rectification, "call_back", head, note="已电话回访")
    assert rectification.called_back_at is not None
    rectification = act(rectification, "resolve", head, outcome="fixed", note="已优化审批流程")
    assert rectification.status == RS.CLOSED
    assert rectification.outcome == "fixed"
    assert rectification.rerate_until is not None
    message = Message.objects.get(recipient=people["citizen"], subject="差评整改结果告知")
    assert message.case == completed
    assert "已整改" in message.body
    assert "已优化审批流程" in message.body
    assert [s.action for s in rectification.steps.all()] == [
        "open",
        "verify",
        "call_back",
        "resolve",
    ]
    assert AuditRecord.objects.filter(action="evaluation.rectification_resolve").exists()

    again = services.rate_case(completed, actor=people["citizen"], level=4)
    assert again.round == 2
    assert again.supersedes == bad
    bad.refresh_from_db()
    assert not bad.current
    with pytest.raises(services.Conflict):
        services.rate_case(completed, actor=people["citizen"], level=5)
    today = timezone.localdate()
    assert stats.rating_counts(today, today) == {"evaluations": 1, "satisfied": 1}


def test_the_second_rating_must_come_within_the_period(bad, overseers, people, completed):
    head = overseers["head"]
    rectification = act(bad.rectification, "verify", head)
    rectification = act(rectification, "resolve", head, outcome="explained")
    late = rectification.rerate_until + dt.timedelta(seconds=1)
    with pytest.raises(services.Conflict):
        services.rate_case(completed, actor=people["citizen"], level=5, at=late)


def test_a_second_bad_rating_opens_its_own_rectification_but_no_third_rating(
    bad, overseers, people, completed
):
    head = overseers["head"]
    act(act(bad.rectification, "verify", head), "resolve", head, outcome="explained")
    again = services.rate_case(completed, actor=people["citizen"], level=1, reasons=["slow"])
    second = again.rectification
    act(act(second, "verify", head), "resolve", head, outcome="fixed")
    with pytest.raises(services.Conflict):
        services.rate_case(completed, actor=people["citizen"], level=5)
    assert Evaluation.objects.filter(case=completed).count() == 2


def test_an_upheld_appeal_strikes_the_rating_out(bad, overseers, people):
    head, supervisor = overseers["head"], overseers["supervisor"]
    today = timezone.localdate()
    assert stats.rating_counts(today, today) == {"evaluations": 1, "satisfied": 0}
    rectification = act(bad.rectification, "appeal", head, ground="malicious", note="恶意差评")
    assert rectification.status == RS.APPEALED
    rectification = act(rectification, "review_appeal", supervisor, upheld=True, note="属实")
    assert rectification.status == RS.CLOSED
    assert rectification.outcome == "appeal_upheld"
    assert rectification.rerate_until is None
    bad.refresh_from_db()
    assert bad.excluded
    assert stats.rating_counts(today, today) == {"evaluations": 0, "satisfied": 0}
    assert Message.objects.filter(recipient=people["citizen"], subject="差评整改结果告知").exists()
    with pytest.raises(services.Conflict):
        services.rate_case(bad.case, actor=people["citizen"], level=5)


def test_a_rejected_appeal_resumes_the_work_and_cannot_be_repeated(bad, overseers):
    head, manager = overseers["head"], overseers["manager"]
    rectification = act(bad.rectification, "verify", head)
    rectification = act(rectification, "appeal", head, ground="mistaken")
    rectification = act(rectification, "review_appeal", manager, upheld=False, note="不成立")
    assert rectification.status == RS.VERIFIED
    with pytest.raises(services.Conflict):
        act(rectification, "appeal", head, ground="mistaken")
    assert "appeal" not in services.allowed_rectification_actions(head, rectification)


def test_the_appellant_cannot_review_their_own_appeal(bad, overseers):
    manager = overseers["manager"]
    rectification = act(bad.rectification, "appeal", manager, ground="mistaken")
    with pytest.raises(PermissionDenied):
        act(rectification, "review_appeal", manager, upheld=True)
    with pytest.raises(PermissionDenied):  # department staff never review appeals
        act(rectification, "review_appeal", overseers["head"], upheld=True)
    assert Rectification.objects.get(pk=rectification.pk).status == RS.APPEALED


def test_illegal_moves_change_nothing(bad, overseers, people):
    head = overseers["head"]
    rectification = bad.rectification
    with pytest.raises(services.Conflict):
        act(rectification, "resolve", head, outcome="fixed")  # not verified yet
    with pytest.raises(services.Conflict):
        act(rectification, "call_back", head)
    with pytest.raises(PermissionDenied):  # another department
        act(rectification, "verify", overseers["xf_head"])
    with pytest.raises(PermissionDenied):  # the rater
        act(rectification, "verify", people["citizen"])
    with pytest.raises(ValidationError):
        act(rectification, "verify", head, note=" ")
    rectification = act(rectification, "verify", head)
    with pytest.raises(ValidationError) as exc:
        act(rectification, "resolve", head, outcome="")
    assert "outcome" in exc.value.message_dict
    with pytest.raises(ValidationError):
        act(rectification, "appeal", head, ground="annoying")
    rectification.refresh_from_db()
    assert rectification.status == RS.VERIFIED
    assert rectification.steps.count() == 2


def test_overdue_rectifications_are_flagged_once(bad):
    deadline = bad.rectification.deadline
    assert services.mark_overdue_rectifications(on=deadline) == 0
    assert services.mark_overdue_rectifications(on=deadline + dt.timedelta(days=1)) == 1
    assert services.mark_overdue_rectifications(on=deadline + dt.timedelta(days=2)) == 0
    assert Rectification.objects.get(pk=bad.rectification.pk).overdue
