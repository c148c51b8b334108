"""The search anywhere else (SQLite): every word's stem in one of the fields, icontains."""

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.expressions import Window

from kazportal.i18n import LANGS
from kazportal.text import latin_slug

from .query import stems


def _spellings(word):
    """SQLite compares only ASCII letters case-insensitively: try the usual spellings too."""
    return dict.fromkeys([word, word.lower(), word.capitalize(), word.upper()])


def _contains(fields, langs, word):
    condition = Q()
    for name in fields:
        for code in langs:
            for spelling in _spellings(word):
                condition |= Q(**{f"{name}_{code}__icontains": spelling})
    return condition


def queryset(entry, query, lang):
    """Every word's stem (see stems(): a typo or another ending of a long word still matches)
    in one of the fields in one of the languages, or in the slug."""
    model = entry.model_class
    words = stems(query.words)
    matches = Q()
    for word in words:
        slug_word = latin_slug(word)
        in_slug = Q(slug__icontains=slug_word) if slug_word else Q(pk__in=[])
        matches &= _contains(entry.fields, LANGS, word) | in_slug

    def every_word(fields, langs):
        condition = Q()
        for word in words:
            condition &= _contains(fields, langs, word)
        return condition

    def points(condition, value):
        return Case(
            When(condition, then=Value(value)), default=Value(0), output_field=IntegerField()
        )

    rank = (
        points(every_word([entry.title], [lang]), 8)
        + points(every_word([entry.title], LANGS), 4)
        + points(every_word([entry.summary], [lang]), 2)
        + points(every_word([entry.summary], LANGS), 1)
    )
    return (
        model.objects.published()
        .filter(matches)
        .annotate(search_rank=rank, search_total=Window(Count("pk")))
        .order_by(F("search_rank").desc(), *model._meta.ordering)
    )
