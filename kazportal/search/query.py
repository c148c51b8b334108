"""The visitor's query text: checked, normalised and split into words."""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kazportal.text import latin_slug

MIN_LENGTH = 2
MAX_LENGTH = 100
MAX_WORDS = 10

# Words: letters and digits of any script (no underscores, no punctuation, no tsquery operators).
WORD = re.compile(r"[^\W_]+")
# Control characters other than the ordinary whitespace a pasted text may carry.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@dataclass
class Query:
    text: str  # whitespace collapsed
    words: list

    @property
    def latin(self):
        """The query in Latin letters, to compare with slugs."""
        return latin_slug(" ".join(self.words), max_length=MAX_LENGTH).replace("-", " ")


def parse(raw):
    """(Query or None, error message). An empty query is no error: the page shows a hint."""
    if CONTROL.search(raw):
        return None, _("The search text contains control characters. Type it again, please.")
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    if not text:
        return None, ""
    if len(text) > MAX_LENGTH:
        return None, _("The search text is too long: use at most %(n)d characters.") % {
            "n": MAX_LENGTH
        }
    words = WORD.findall(text)[:MAX_WORDS]
    if sum(len(w) for w in words) < MIN_LENGTH:
        return None, _("Type at least %(n)d letters to search.") % {"n": MIN_LENGTH}
    return Query(text, words), ""


def validate(query):
    """The error message for a query text, or "" (kept for callers that only validate)."""
    return parse(query)[1] if query.strip() else ""


def stems(words):
    """Each word as the highlighter finds it: a long word loses two letters so that other
    endings match ("ханство" marks "ханства")."""
    return [w if len(w) <= 4 else w[: max(4, len(w) - 2)] for w in words]
