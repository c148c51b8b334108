"""Results: hits grouped by kind, each with its title and a highlighted snippet."""

import html
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext

from kazportal.i18n import field_in_language

from .query import stems

SNIPPET_LENGTH = 220


@dataclass
class Hit:
    obj: Any
    url: str
    title: str
    title_lang: str
    kind: str
    snippet: str  # safe HTML: escaped, matches in <mark>
    snippet_lang: str


@dataclass
class Group:
    label: Any
    hits: list
    total: int

    @property
    def more(self):
        return self.total > len(self.hits)

    @property
    def note(self):
        """ "The best 10 of 1,234." when the group shows only the best hits."""
        if not self.more:
            return ""
        return ngettext(
            "The best %(shown)d of %(total)d.", "The best %(shown)d of %(total)d.", self.total
        ) % {"shown": len(self.hits), "total": self.total}


def highlighter(query):
    """A regex for the visitor's words in a text: each word as the start of a word, a long word
    shortened by two letters so that other endings match ("ханство" marks "ханства")."""
    found = sorted(stems(query.words), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(s) for s in found) + r")\w*", re.IGNORECASE)


def highlight(text, pattern):
    """Escaped text with each match wrapped in <mark>."""
    out, pos = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[pos : match.start()]))
        out.append(format_html("<mark>{}</mark>", match.group()))
        pos = match.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))


def plain_text(value):
    """Text without tags (a tag becomes a space, so paragraphs do not run together)."""
    return " ".join(html.unescape(strip_tags((value or "").replace("<", " <"))).split())


def excerpt(text, match, length=SNIPPET_LENGTH):
    """About `length` characters of text around a match, cut at spaces, with ellipses."""
    if len(text) <= length:
        return text
    start = 0 if match is None else max(0, match.start() - length // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < match.start() else start
    end = start + length
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def snippet(obj, entry, pattern):
    """(HTML, language) of a short excerpt where the visitor's words occur: in the summary, then
    the other text fields, of the visitor's language first, then of the fallback languages. With
    no such place, the summary's beginning (in the visitor's language or its fallback)."""
    lang = get_language() or settings.LANGUAGE_CODE
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    for code in (lang, *fallbacks.get(lang, fallbacks["default"])):
        for name in (entry.summary, *entry.extra):
            text = plain_text(getattr(obj, f"{name}_{code}", ""))
            match = pattern.search(text)
            if match:
                return highlight(excerpt(text, match), pattern), code
    summary, code = field_in_language(obj, entry.summary)
    return highlight(excerpt(plain_text(summary), None), pattern), code


def make_hit(obj, entry, pattern):
    title, title_lang = field_in_language(obj, entry.title)
    text, text_lang = snippet(obj, entry, pattern)
    return Hit(
        obj=obj,
        url=obj.get_absolute_url(),
        title=title,
        title_lang=title_lang,
        kind=entry.describe(obj),
        snippet=text,
        snippet_lang=text_lang,
    )
