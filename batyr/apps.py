from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BatyrConfig(AppConfig):
    name = "batyr"
    verbose_name = _("Become a batyr")
