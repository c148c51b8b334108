"""What the site search looks through: one `Searchable` per model, registered by its app.

Each app's `search.py` calls `register()`; `KazportalConfig.ready()` imports those modules with
`autodiscover_modules("search")` (as `admin.autodiscover()` finds `admin.py`), so the groups of
results come in the order of INSTALLED_APPS and no app imports another's search entries.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps


@dataclass(frozen=True, kw_only=True)
class Searchable:
    label: Any  # lazy translated heading of the group
    model: str  # "app_label.Model"
    title: str
    summary: str
    extra: tuple = ()  # other translated text fields (bodies, descriptions)
    related: tuple = ()  # select_related, for the URL and the description
    describe: Callable = field(default=lambda obj: "")  # the kind, section or date of a result

    @property
    def model_class(self):
        return apps.get_model(self.model)

    @property
    def fields(self):
        return (self.title, self.summary, *self.extra)


SEARCHABLE = []


def register(*entries):
    """Add an app's entries (once: a module imported twice does not add them twice)."""
    for entry in entries:
        if all(existing.model != entry.model for existing in SEARCHABLE):
            SEARCHABLE.append(entry)
