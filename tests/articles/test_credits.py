"""References are marked with the language of the cited work."""

import pytest
from django.utils import translation

from articles.models import Reference
from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_references_render_with_their_lang_attribute(client):
    article = ArticleFactory()
    Reference.objects.create(
        article=article,
        text="Конституция Республики Казахстан от 30 августа 1995 года.",
        lang="ru",
        order=1,
    )
    Reference.objects.create(article=article, text="Luke T.W. (2004).", lang="en", order=2)
    with translation.override("en"):
        url = article.get_absolute_url()
    html = client.get(url).content.decode()
    assert '<span lang="ru">Конституция Республики Казахстан' in html
    assert '<span lang="en">Luke T.W. (2004).</span>' in html


def test_a_reference_is_english_unless_told():
    assert Reference._meta.get_field("lang").default == "en"
