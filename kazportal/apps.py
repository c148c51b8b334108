from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


def _sync_editors(sender, apps=None, **kwargs):
    from .permissions import sync_editors_group

    sync_editors_group(apps or global_apps)


class KazportalConfig(AppConfig):
    name = "kazportal"
    verbose_name = _("Site")

    def ready(self):
        post_migrate.connect(_sync_editors, sender=self, dispatch_uid="kazportal-editors")

        from .cache import connect_signals

        connect_signals()
        # Revisions of the content models (after modeltranslation's columns exist).
        from .revisions import register

        register()
        # Each app's search.py registers its models in the site search (kazportal/search).
        autodiscover_modules("search")
