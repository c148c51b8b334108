from modeltranslation.translator import TranslationOptions, register

from .models import Photo


@register(Photo)
class PhotoTranslationOptions(TranslationOptions):
    fields = ("alt", "caption", "credit")
    # alt is required in the default language only; other languages fall back visibly.
    required_languages = ("kk",)
