from modeltranslation.translator import TranslationOptions, register

from .models import Look


@register(Look)
class LookTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("kk",)
