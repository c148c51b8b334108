"""An article that is the portal's summary of someone else's paper says so: the editors'
summary, the paper (title in its own language, authors, DOI) as the cited source, and the
cite-this text and structured data citing the paper, not presenting its authors as this text's."""

import json

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from tests.articles.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db

PAPER = "Felt, Song and Diplomacy: A Test Paper on Cultural Exchange"


@pytest.fixture
def summary():
    return ArticleFactory(
        title_kk="Қазақстанның мәдени байланыстары",
        title_ru="Культурные связи Казахстана",
        title_en="Kazakhstan's cultural ties",
        original_title=PAPER,
        original_language="en",
        doi="10.5281/zenodo.17544335",
        category="research",
        authors=[AuthorFactory(name_kk="Автор Бір", name_ru="Автор Один", name_en="Author One")],
    )


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_summary_names_the_paper_it_summarises_and_cites_it(client, summary, lang):
    with translation.override(lang):
        url = summary.get_absolute_url()
    page = BeautifulSoup(client.get(url).content, "html.parser")
    box = page.select_one("section.summary-of")
    assert box is not None
    cite = box.find("cite")
    assert cite.get_text(strip=True) == PAPER and cite["lang"] == "en"
    assert cite.find("a")["href"] == "https://doi.org/10.5281/zenodo.17544335"
    assert page.find("meta", attrs={"name": "citation_doi"}) is None  # not this page's DOI
    assert page.select_one("#citation").get_text().count(PAPER) == 1
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["author"]["@type"] == "Organization"
    assert data["isBasedOn"]["name"] == PAPER
    assert data["isBasedOn"]["identifier"]["value"] == "10.5281/zenodo.17544335"
    with translation.override(lang):
        assert data["isBasedOn"]["author"][0]["name"] == summary.ordered_authors()[0].name


def test_an_article_of_its_own_keeps_its_authors_and_doi(client):
    article = ArticleFactory(doi="10.5281/zenodo.1", category="research", authors=[AuthorFactory()])
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert page.select_one("section.summary-of") is None
    assert page.find("meta", attrs={"name": "citation_doi"})["content"] == "10.5281/zenodo.1"
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert isinstance(data["author"], list) and "isBasedOn" not in data
