from modeltranslation.translator import TranslationOptions, register

from .models import KIND_PROXIES, Document, Item, Section


@register(Section)
class SectionTranslationOptions(TranslationOptions):
    fields = ("title", "card_text", "intro")
    required_languages = ("kk",)


@register(Item)
class ItemTranslationOptions(TranslationOptions):
    # The facts that are words (an address, a director's name) are translated too; years,
    # coordinates and links are shared by all languages.
    fields = (
        "title",
        "summary",
        "body",
        "period",
        "location",
        "address",
        "opening_hours",
        "achievements",
        "director",
        "genre",
    )
    required_languages = ("kk",)


@register(Document)
class DocumentTranslationOptions(TranslationOptions):
    fields = ("title",)
    required_languages = ("kk",)


@register(list(KIND_PROXIES.values()))
class ItemProxyTranslationOptions(TranslationOptions):
    """The admin's per-section proxies have Item's translated fields (named again so that
    `options.fields`, which the translation-status column reads, lists them)."""

    fields = ItemTranslationOptions.fields
    required_languages = ("kk",)
