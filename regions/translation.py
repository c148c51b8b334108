from modeltranslation.translator import TranslationOptions, register

from .models import Place, Region


@register(Region)
class RegionTranslationOptions(TranslationOptions):
    fields = ("name", "short_name", "centre", "summary", "body")
    required_languages = ("kk",)


@register(Place)
class PlaceTranslationOptions(TranslationOptions):
    fields = ("name", "summary", "body", "season", "hours", "getting_there", "fee")
    required_languages = ("kk",)
