"""Allow-list HTML sanitizing of every rich text body (articles, regions, places, heritage items).

Whatever an editor pastes, what is stored keeps only the tags and attributes below: no scripts,
no styles, no event handlers, no `javascript:` or `data:` links, no iframes or forms.
"""

import re

import nh3

TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark",
    "a", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "hr", "code", "pre",
    "abbr", "cite", "q", "figure", "figcaption",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "ol": {"start", "type"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "*": {"lang"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=TAGS,
    attributes=ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
    # The content of these is dropped entirely, not kept as text.
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript"},
)

_EMPTY = re.compile(r"^\s*(<p>\s*(<br>)?\s*</p>\s*)*$")


def clean_html(html):
    """Sanitized HTML; an editor's lone empty paragraph becomes an empty string (= not
    translated, so the visible language fallback works)."""
    if not html:
        return ""
    cleaned = _cleaner.clean(str(html)).strip()
    if _EMPTY.match(cleaned):
        return ""
    return cleaned


def editor_extensions():
    """The editor's toolbar, kept in step with the allow-list above."""
    return {
        "Bold": True,
        "Italic": True,
        "Strike": True,
        "Underline": True,
        "Subscript": True,
        "Superscript": True,
        "Heading": {"levels": [2, 3, 4]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HorizontalRule": True,
        "HardBreak": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
        "Table": True,
        "TableRow": True,
        "TableHeader": True,
        "TableCell": True,
        "History": True,
        "HTML": True,
    }


class SanitizedBodies:
    """Model mixin: every language's rich-text columns of BODY_FIELDS are cleaned on save,
    however the row arrives (admin, fixtures, shell). Put it before the model base class."""

    BODY_FIELDS = ("body",)

    def save(self, *args, **kwargs):
        from kazportal.i18n import LANGS

        for name in self.BODY_FIELDS:
            for code in LANGS:
                # The per-language columns: reading `body` itself would give a fallback language.
                column = f"{name}_{code}"
                value = getattr(self, column, None)
                if value:
                    setattr(self, column, clean_html(value))
        super().save(*args, **kwargs)
