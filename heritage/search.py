"""The heritage app's entries in the site search (kazportal/search/registry.py)."""

from django.utils.translation import gettext_lazy as _

from kazportal.i18n import text_in_language
from kazportal.search import Searchable, register

register(
    Searchable(
        label=_("Heritage"),
        model="heritage.Item",
        title="title",
        summary="summary",
        extra=("body", "period", "location", "director", "achievements"),
        related=("section",),
        describe=lambda item: text_in_language(item.section, "title"),
    ),
)
