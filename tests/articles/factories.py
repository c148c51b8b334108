import datetime

import factory
from django.utils import timezone

from articles.models import Article, Author, Byline, Event, Reference, Tag
from tests.factories import RegionFactory  # noqa: F401 (for this app)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    slug = factory.Sequence(lambda n: f"tag-{n}")
    name_kk = factory.Sequence(lambda n: f"Кілтсөз {n}")
    name_ru = factory.Sequence(lambda n: f"Ключевое слово {n}")
    name_en = factory.Sequence(lambda n: f"Keyword {n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name_kk = factory.Sequence(lambda n: f"Автор {n}")
    name_ru = factory.Sequence(lambda n: f"Автор {n}")
    name_en = factory.Sequence(lambda n: f"Author {n}")
    affiliation_kk = "Әл-Фараби атындағы ҚазҰУ"
    affiliation_ru = "КазНУ имени аль-Фараби"
    affiliation_en = "Al-Farabi Kazakh National University"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"article-{n}")
    title_kk = factory.Sequence(lambda n: f"Мақала {n}")
    title_ru = factory.Sequence(lambda n: f"Статья {n}")
    title_en = factory.Sequence(lambda n: f"Article {n}")
    lead_kk = "Қысқаша мазмұны."
    lead_ru = "Краткое содержание."
    lead_en = "A short lead."
    body_kk = "<p>Мәтін.</p>"
    body_ru = "<p>Текст.</p>"
    body_en = "<p>Text.</p>"
    category = "news"
    status = "published"
    published_at = factory.Sequence(
        lambda n: timezone.now() - datetime.timedelta(days=1, minutes=n)
    )

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            for order, author in enumerate(extracted):
                Byline.objects.create(article=self, author=author, order=order)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    article = factory.SubFactory(ArticleFactory)
    text = factory.Sequence(lambda n: f"Author A. ({2000 + n % 20}). A book. Almaty, p. {n}.")
    order = factory.Sequence(lambda n: n)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"event-{n}")
    title_kk = factory.Sequence(lambda n: f"Іс-шара {n}")
    title_ru = factory.Sequence(lambda n: f"Событие {n}")
    title_en = factory.Sequence(lambda n: f"Event {n}")
    summary_kk = "Қысқаша."
    summary_ru = "Кратко."
    summary_en = "In short."
    category = "festival"
    start_date = datetime.date(2026, 3, 15)
    status = "published"
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
