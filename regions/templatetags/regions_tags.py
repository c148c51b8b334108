from django import template
from django.utils.html import strip_tags

from kazportal.i18n import text_in_language

register = template.Library()


@register.simple_tag
def plain_text(obj, field, words=0):
    """A translated field as plain text (with fallback, no markup) for <title>, meta tags and
    attributes; `words` shortens it to that many words."""
    text = strip_tags(text_in_language(obj, field))
    text = " ".join(text.split())
    if words and len(text.split()) > words:
        text = " ".join(text.split()[:words]) + "…"
    return text
