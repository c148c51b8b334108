"""The articles app's entries in the site search (kazportal/search/registry.py): articles and
calendar events."""

from django.utils.translation import gettext_lazy as _

from kazportal.search import Searchable, register

from .templatetags.articles_tags import occurrence_dates

register(
    Searchable(
        label=_("Articles"),
        model="articles.Article",
        title="title",
        summary="lead",
        extra=("abstract", "body"),
        describe=lambda article: article.get_category_display(),
    ),
    Searchable(
        label=_("Calendar"),
        model="articles.Event",
        title="title",
        summary="summary",
        extra=("description",),
        describe=lambda event: occurrence_dates(event.next_occurrence()),
    ),
)
