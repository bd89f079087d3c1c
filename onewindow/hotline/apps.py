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
