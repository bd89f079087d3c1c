"""OneWindow (一网通办): the platform of a government service centre and its online hall."""

from .worker import app as celery_app

__all__ = ("celery_app",)
