"""The editor scenarios that used to lose work, replayed in Chromium by Editors-group users with
the admin in Kazakh: a taken title, two editors saving the same article, a deleted article
brought back from the trash, and a photo in use that cannot be deleted."""

import pytest
from django.urls import reverse

from articles.models import Article
from kazportal.models import Photo
from tests.articles.factories import ArticleFactory, AuthorFactory
from tests.factories import PhotoFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def set_hidden(page, selector, value):
    """Type into a field on another language's tab (modeltranslation hides the other tabs)."""
    page.eval_on_selector(selector, "(el, v) => { el.value = v }", value)


def test_a_taken_title_saves_with_a_free_slug(live_server, editor_page):
    ArticleFactory(title_kk="Абай күні", slug="abai-kuni")
    page = editor_page("aigerim")
    page.goto(f"{live_server.url}{reverse('admin:articles_article_add')}")
    page.fill("#id_title_kk", "Абай күні")
    assert page.input_value("#id_slug") == "abai-kuni"  # prefilled from the title, taken
    page.fill("#id_lead_kk", "Ақын туған күн.")
    page.select_option("#id_category", "news")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert Article.objects.filter(slug="abai-kuni-2", title_kk="Абай күні").exists()
    assert page.js_errors == []


def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_the_typing(
    live_server, editor_page
):
    article = ArticleFactory(authors=[AuthorFactory()])
    url = f"{live_server.url}{reverse('admin:articles_article_change', args=[article.pk])}"
    aigerim, bolat = editor_page("aigerim"), editor_page("bolat")
    aigerim.goto(url)
    bolat.goto(url)
    assert "aigerim" in bolat.inner_text(".messagelist").lower()  # "may be editing it"
    set_hidden(bolat, "#id_title_en", "Bolat's title")
    bolat.click("input[name=_save]")
    bolat.wait_for_selector(".messagelist .success")

    aigerim.fill("#id_lead_kk", "Айгерімнің жаңа кіріспесі.")
    aigerim.click("input[name=_save]")
    aigerim.wait_for_selector(".errornote")
    message = aigerim.inner_text(".errorlist.nonfield")
    assert "bolat" in message.lower() and "сақтады" in message
    assert aigerim.input_value("#id_lead_kk") == "Айгерімнің жаңа кіріспесі."
    article.refresh_from_db()
    assert (article.title_en, article.lead_kk) == ("Bolat's title", "Қысқаша мазмұны.")
    # The link shows what Bolat changed.
    aigerim.click(".errorlist.nonfield a")
    assert "Bolat's title" in aigerim.inner_text(".revision-compare")


def test_a_deleted_article_comes_back_from_the_trash_with_its_languages_and_bylines(
    live_server, editor_page
):
    authors = [AuthorFactory(), AuthorFactory()]
    article = ArticleFactory(authors=authors)
    titles = (article.title_kk, article.title_ru, article.title_en)
    page = editor_page("aigerim")
    page.goto(f"{live_server.url}{reverse('admin:articles_article_delete', args=[article.pk])}")
    page.click("#content form input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    assert not Article.objects.filter(pk=article.pk).exists()

    page.click("a.recoverlink")  # «Қоқыс жәшігі»
    assert "Қоқыс жәшігі" in page.inner_text("#content")
    page.click("#change-history a")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    restored = Article.objects.get(pk=article.pk)
    assert (restored.title_kk, restored.title_ru, restored.title_en) == titles
    assert [b.author for b in restored.bylines.order_by("order")] == authors
    assert page.js_errors == []


def test_a_photo_in_use_cannot_be_deleted_and_its_page_links_the_article(live_server, editor_page):
    photo = PhotoFactory()
    article = ArticleFactory(cover=photo)
    page = editor_page("aigerim")
    page.goto(f"{live_server.url}{reverse('admin:kazportal_photo_delete', args=[photo.pk])}")
    link = page.locator(
        f"#content a[href='{reverse('admin:articles_article_change', args=[article.pk])}']"
    )
    assert link.count() == 1
    assert page.locator("#content form input[type=submit]").count() == 0  # no way to confirm
    link.click()
    assert page.input_value("#id_title_kk") == article.title_kk
    assert Photo.objects.filter(pk=photo.pk).exists()
