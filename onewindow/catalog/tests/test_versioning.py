from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from onewindow.catalog import services
from onewindow.catalog.models import ItemVersion

from . import factories

pytestmark = pytest.mark.django_db


def test_create_publishes_version_one():
    impl = factories.item("食品经营许可")
    version = impl.current_version
    assert version.number == 1
    assert version.status == ItemVersion.Status.PUBLISHED
    assert version.published_at is not None
    assert impl.implementation_code == f"{impl.item.basic_code}-340371-SCJG"


def test_editing_a_published_item_creates_a_new_version():
    impl = factories.item("食品经营许可", promised_days=10)
    first = impl.current_version
    second = services.edit_item(impl, guide={"promised_days": 8, "change_note": "压缩承诺时限"})
    impl.refresh_from_db()
    first.refresh_from_db()
    assert second.number == 2
    assert impl.current_version == second
    assert second.promised_days == 8
    assert first.status == ItemVersion.Status.SUPERSEDED
    assert first.promised_days == 10  # the old version keeps what cases were filed under


def test_a_new_version_copies_materials_fees_stages_and_themes():
    other = factories.department("XF", "消防救援大队")
    impl = factories.item(
        "公众聚集场所投入使用、营业前消防安全检查",
        materials=[{"name": "申报表"}, {"name": "营业执照", "source": "shared"}],
        fees=[{"name": "工本费", "amount": "10元", "basis": "测试依据"}],
        stages=[
            {"name": "受理", "role": "handler", "departments": [factories.department()], "days": 1},
            {
                "name": "并联审查",
                "role": "reviewer",
                "departments": [factories.department(), other],
                "parallel": True,
                "days": 5,
            },
        ],
    )
    draft = services.start_new_version(impl)
    assert draft.status == ItemVersion.Status.DRAFT
    assert [m.name for m in draft.materials.all()] == ["申报表", "营业执照"]
    assert [f.amount for f in draft.fees.all()] == ["10元"]
    parallel = draft.stages.get(name="并联审查")
    assert parallel.parallel
    assert {d.code for d in parallel.departments.all()} == {"SCJG", "XF"}
    # The published version still owns its own rows.
    assert impl.current_version.materials.count() == 2


def test_a_published_version_cannot_be_edited():
    impl = factories.item()
    with pytest.raises(services.VersionLocked):
        services.update_draft(impl.current_version, guide={"name": "改名"})
    impl.current_version.refresh_from_db()
    assert impl.current_version.name == "测试事项"


def test_publishing_twice_is_refused():
    impl = factories.item()
    with pytest.raises(services.VersionLocked):
        services.publish_version(impl.current_version)


def test_only_one_draft_at_a_time():
    impl = factories.item()
    assert services.start_new_version(impl) == services.start_new_version(impl)


def test_the_database_allows_one_published_version_per_item():
    impl = factories.item()
    draft = services.start_new_version(impl)
    draft.status = ItemVersion.Status.PUBLISHED
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save()


def test_fully_online_items_need_no_visit():
    with pytest.raises(ValidationError) as info:
        factories.item(online_depth=4, visits_required=1)
    assert "visits_required" in info.value.message_dict


def test_promised_limit_may_not_exceed_statutory():
    with pytest.raises(ValidationError) as info:
        factories.item(statutory_days=5, promised_days=8)
    assert "promised_days" in info.value.message_dict


def test_calendar_day_limits_are_not_compared_with_working_days():
    impl = factories.item(statutory_days=7, statutory_unit="day", promised_days=7)
    assert impl.current_version.statutory_unit == "day"


def test_instant_items_have_no_promised_days():
    with pytest.raises(ValidationError):
        factories.item(handling="instant", promised_days=3)
    impl = factories.item(handling="instant", promised_days=0, statutory_days=None)
    assert impl.current_version.instant


def test_several_departments_in_one_stage_must_be_parallel():
    with pytest.raises(ValidationError):
        factories.item(
            stages=[
                {
                    "name": "审查",
                    "role": "reviewer",
                    "days": 3,
                    "departments": [
                        factories.department(),
                        factories.department("XF", "消防救援大队"),
                    ],
                }
            ]
        )


def test_unknown_guide_fields_are_refused_and_nothing_changes():
    impl = factories.item()
    draft = services.start_new_version(impl)
    with pytest.raises(ValidationError):
        services.update_draft(draft, guide={"colour": "red"})
    assert ItemVersion.objects.filter(implementation=impl).count() == 2


def test_a_failed_publish_leaves_the_current_version_in_place():
    impl = factories.item()
    draft = services.start_new_version(impl)
    ItemVersion.objects.filter(pk=draft.pk).update(visits_required=2, online_depth=1)
    draft.stages.all().delete()  # a promised item without stages cannot be published
    with pytest.raises(ValidationError):
        services.publish_version(draft)
    impl.refresh_from_db()
    assert impl.current_version.number == 1
    assert impl.current_version.status == ItemVersion.Status.PUBLISHED


def test_withdrawn_items_leave_the_catalog():
    impl = factories.item()
    services.withdraw_implementation(impl)
    impl.refresh_from_db()
    assert impl.current_version is None
    assert impl.versions.get().status == ItemVersion.Status.WITHDRAWN
