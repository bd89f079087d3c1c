"""The demo centre's evaluation set-up and demo cases (``evaluation.demo``, loaded by
``seed_demo``): default weights, cases in every documented state, two ratings."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.cases.models import Case
from onewindow.catalog.demo import org_data
from onewindow.catalog.tests.test_seed_demo import demo  # noqa: F401  # the seeded module
from onewindow.evaluation import demo as evaluation_demo
from onewindow.evaluation import stats
from onewindow.evaluation.assessment import clerks_of
from onewindow.evaluation.models import AssessmentWeights, Evaluation
from onewindow.identity.models import User
from onewindow.org.models import ServiceCenter

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    """A client signed in as a demo staff account, past its TOTP step."""
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


def demo_case(number: int) -> Case:
    spec = next(s for s in evaluation_demo.case_specs() if s.item == number)
    return Case.objects.get(
        implementation=evaluation_demo._implementation(number),
        applicant__username=spec.applicant,
    )


def test_the_centre_has_the_default_assessment_weights(demo):  # noqa: F811
    weights = AssessmentWeights.objects.get(center__code=org_data.CENTER_CODE)
    assert weights.as_dict() == {
        "attendance": 20,
        "conduct": 15,
        "case_handling": 15,
        "efficiency": 15,
        "ratings": 15,
        "callbacks": 10,
        "file_review": 10,
    }
    assert weights.case_target == 40


def test_the_demo_cases_stand_in_the_documented_states(demo):  # noqa: F811
    assert demo_case(1).status == "submitted"
    assert demo_case(5).status == "granted"
    assert demo_case(3).status == "completed"
    assert demo_case(4).status == "completed"
    in_review = demo_case(101)
    assert in_review.status == "in_review"
    parallel = {t.department.code: t.status for t in in_review.tasks.filter(parallel=True)}
    assert parallel == {"SW": "completed", "RS": "active"}
    assert demo["summary"]["demo_cases"] == len(evaluation_demo.case_specs())


def test_the_completed_cases_are_rated_and_the_bad_rating_is_being_rectified(demo):  # noqa: F811
    good = Evaluation.objects.get(case=demo_case(3))
    assert good.level == 5
    assert good.clerk.username == "clerk"
    bad = Evaluation.objects.get(case=demo_case(4))
    assert bad.level == 2
    assert bad.reasons == ["repeated_materials"]
    assert bad.rectification.status == "open"
    assert bad.rectification.department.code == "SCJG"
    today = timezone.localdate()
    assert stats.rating_counts(today, today) == {"evaluations": 2, "satisfied": 1}


def test_the_general_window_clerk_is_assessed_with_the_centre(demo):  # noqa: F811
    center = ServiceCenter.objects.get(code=org_data.CENTER_CODE)
    assert [clerk.username for clerk in clerks_of(center)] == ["clerk"]


def test_the_inboxes_and_the_progress_page_show_the_demo_cases(demo):  # noqa: F811
    submitted, in_review = demo_case(1), demo_case(101)
    assert submitted.case_no in signed_in("clerk").get("/workbench/").content.decode()
    inbox = signed_in("rs-reviewer").get("/workbench/?post=reviewer").content.decode()
    assert in_review.case_no in inbox
    progress = Client().get(
        "/progress/", {"case_no": in_review.case_no, "query_code": in_review.query_code}
    )
    assert progress.status_code == 200
    assert in_review.case_no in progress.content.decode()
    page = Client().get("/evaluation/stats/")
    assert page.status_code == 200
