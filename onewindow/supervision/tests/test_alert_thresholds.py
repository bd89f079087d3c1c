"""The per-item thresholds (``AlertThreshold``) reach the case engine's alert rule
(``cases.alerts``) through the registration in ``SupervisionConfig.ready()``, and
``thresholds`` re-exports that rule rather than keeping a copy."""

from __future__ import annotations

from onewindow.cases import alerts
from onewindow.supervision import thresholds
from onewindow.supervision.models import AlertThreshold


def test_the_sweep_and_the_case_engine_share_one_rule():
    assert thresholds.Threshold is alerts.Threshold
    assert thresholds.level is alerts.level
    assert thresholds.default is alerts.default


def test_supervision_registers_the_per_item_thresholds(db, item):
    AlertThreshold.objects.create(implementation=item, yellow_percent=50, min_workdays=2)
    loaded = alerts.load()
    assert loaded.of(item.pk) == alerts.Threshold(50, 2)
    assert loaded.of(item.pk + 1000) == alerts.default()


def test_without_a_registered_source_every_item_has_the_default(db, item, monkeypatch):
    AlertThreshold.objects.create(implementation=item, yellow_percent=50, min_workdays=2)
    monkeypatch.setattr(alerts._registry, "source", None)
    assert alerts.load().of(item.pk) == alerts.default()


def test_every_override_is_read_in_one_query(db, item, instant_item, django_assert_num_queries):
    AlertThreshold.objects.create(implementation=item, yellow_percent=50, min_workdays=2)
    AlertThreshold.objects.create(implementation=instant_item, yellow_percent=0, min_workdays=1)
    with django_assert_num_queries(1):
        loaded = alerts.load()
    assert loaded.of(instant_item.pk) == alerts.Threshold(0, 1)
    assert thresholds.for_implementation(item.pk) == loaded.of(item.pk)
