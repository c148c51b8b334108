"""Site-wide search across the published content of every app.

Each `Searchable` names a model, the translated fields to search and how to describe a result. An
app registers its models from its own `search.py`; a search runs one query per model, whatever
the amount of content.

On PostgreSQL a row matches when
- the full text of its title, summary and other text fields matches in one of the languages,
  with that language's text-search configuration (`simple` for Kazakh, which PostgreSQL has no
  stemmer for) and every word of the query taken as a prefix ("Бураб" finds "Бурабай"), or
- its title in one of the languages is similar to the query (pg_trgm word similarity: a typo or
  a partial word still matches), or
- its Latin slug is similar to the query transliterated to Latin (so "Burabai" finds the
  Cyrillic "Бурабай" through the slug `burabay`, and "Бурабаи" finds it too).
Every one of those expressions has a GIN index (the apps' `*_search_indexes` migrations build
them with the SQL of `index_sql()`). The rank only reads the short fields: a title hit above a
summary hit above a hit in the rest of the text, the visitor's language first, then similarity.

Elsewhere (SQLite) a simpler search runs: every word, shortened to its stem, must occur
(case-insensitively) in one of the fields in one of the languages or in the slug, ranked the
same way (title, summary; the visitor's language first) without the similarity.


The package, by concern: `registry` (what is searched; each app's `search.py` registers its
models), `query` (parsing the visitor's text), `postgres` and `fallback` (the two ways to find
and rank rows), `snippets` (hits, groups, highlighting) and `views` (`run()` and the page).
"""

from .query import MAX_LENGTH, parse, validate
from .registry import SEARCHABLE, Searchable, register
from .views import PER_GROUP, run, search

__all__ = [
    "MAX_LENGTH",
    "PER_GROUP",
    "SEARCHABLE",
    "Searchable",
    "parse",
    "register",
    "run",
    "search",
    "validate",
]
