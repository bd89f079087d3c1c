from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "onewindow.hotline"
    label = "hotline"
    verbose_name = _("12345热线")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .permissions import grant_admin_permissions

        # Connected after identity's group sync, so it runs after it on every migrate.
        post_migrate.connect(grant_admin_permissions, dispatch_uid="hotline.admin_permissions")

        # Tickets past their deadline are findings of the supervision sweep (电子监察), which
        # may not import this app: it is handed the source here.
        from onewindow.supervision import rules

        from . import queries

        rules.register_deadline_source(
            rules.DeadlineSource(
                rule="overdue_ticket", subject_type="ticket", overdue_on=queries.overdue_tickets
            )
        )
