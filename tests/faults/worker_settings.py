"""The platform's settings for the Celery worker of the fault tests, with one change: the
broker hands an unacknowledged task (its worker was killed) to another worker after 8 seconds
instead of Redis's default hour, so that the test sees the redelivery."""

from onewindow.settings import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 8,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
