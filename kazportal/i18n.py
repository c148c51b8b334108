"""The site's languages and how a translated field is read in one of them.

`LANGS` is the one list of language codes, Kazakh first (the default and the first fallback);
the settings build LANGUAGES and MODELTRANSLATION_LANGUAGES from it, and every per-language loop
over `<field>_<code>` columns uses it. It is importable without Django settings, so the demo
content scripts in fixtures/ use it too. `field_in_language` is the one
place that applies MODELTRANSLATION_FALLBACK_LANGUAGES *visibly*: it says which language the
text came from, so a template can mark a fallback with its `lang` (see the `translated` tag).
"""

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

LANGS = ("kk", "ru", "en")

NOT_YET_TRANSLATED = {
    # "not yet translated into <language>", said in the visitor's language
    "kk": lambda: _("This text is not yet translated into Kazakh."),
    "ru": lambda: _("This text is not yet translated into Russian."),
    "en": lambda: _("This text is not yet translated into English."),
}


def field_in_language(obj, field):
    """(text, language) of a translated field for the active language, with the visible fallback
    order of MODELTRANSLATION_FALLBACK_LANGUAGES when the field is empty."""
    lang = get_language() or settings.LANGUAGE_CODE
    own = getattr(obj, f"{field}_{lang}", None)
    if own:
        return own, lang
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    for other in fallbacks.get(lang, fallbacks["default"]):
        text = getattr(obj, f"{field}_{other}", None)
        if text:
            return text, other
    return "", lang


def text_in_language(obj, field):
    """The text of field_in_language() alone ("" for a missing object)."""
    return field_in_language(obj, field)[0] if obj else ""
