from modeltranslation.translator import TranslationOptions, register

from .models import Article, Author, Event, Tag


@register(Tag)
class TagTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("kk",)


@register(Author)
class AuthorTranslationOptions(TranslationOptions):
    fields = ("name", "affiliation")
    required_languages = ("kk",)


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("title", "lead", "abstract", "body", "source")
    required_languages = ("kk",)


@register(Event)
class EventTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description", "venue")
    required_languages = ("kk",)
