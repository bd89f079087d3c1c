from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "onewindow.identity"
    label = "identity"
    verbose_name = _("身份与账户")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .permissions import sync_role_groups

        # After every app: the groups name permissions of apps migrated after this one.
        post_migrate.connect(sync_role_groups, dispatch_uid="identity.role_groups")

        from . import auth

        # Sign-ins, sign-outs and failures: audit log and lockout (identity.auth).
        auth.connect_signals()
