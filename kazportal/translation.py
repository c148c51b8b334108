from modeltranslation.translator import TranslationOptions, register

from .models import HomePage, Photo


@register(Photo)
class PhotoTranslationOptions(TranslationOptions):
    fields = ("alt", "caption", "credit")
    # alt is required in the default language only; other languages fall back visibly.
    required_languages = ("kk",)


@register(HomePage)
class HomePageTranslationOptions(TranslationOptions):
    fields = (
        "hero_heading",
        "hero_subheading",
        "music_heading",
        "track_title",
        "track_performer",
        "track_description",
        "intro_heading",
        "intro_text",
        "intro_quote",
        "articles_heading",
        "regions_heading",
        "regions_lead",
        "heritage_heading",
        "batyr_heading",
        "batyr_lead",
    )
