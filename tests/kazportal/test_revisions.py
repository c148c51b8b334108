"""Editors never lose work: revisions with a per-language diff and revert, the trash, refused
saves over a newer version, protected photos, publishing that keeps history (kazportal/revisions.py
and EditorAdmin in kazportal/admin.py). Every form is posted as the admin's own HTML fills it."""

import datetime
import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from reversion.models import Revision, Version

from articles.models import Article, Byline
from kazportal.revisions import TRASH_DAYS
from tests.adminforms import errors, form_data, form_fields
from tests.articles.factories import ArticleFactory, AuthorFactory, ReferenceFactory
from tests.factories import PhotoFactory, PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, make_editor):
    client.force_login(make_editor("aigerim"))
    client.cookies["django_language"] = "en"  # the admin in English (Kazakh: the last test)
    return client


def change_url(obj):
    return reverse("admin:articles_article_change", args=[obj.pk])


def save(client, url, **changes):
    """Post the change form at `url` with `changes` over what it shows; the response."""
    response = client.post(url, form_data(client, url) | changes)
    assert response.status_code == 302, errors(response)
    return response


def article_with_inlines():
    article = ArticleFactory(authors=[AuthorFactory(), AuthorFactory()])
    ReferenceFactory(article=article, text="Әбішев Қ. Дала. Алматы, 2001.")
    return article


def test_an_admin_save_stores_a_revision_with_every_language_and_the_inlines(editor_client):
    article = article_with_inlines()
    save(editor_client, change_url(article), title_kk="Жаңа атау", title_en="New title")
    first, version = Version.objects.get_for_object(article).order_by("pk")
    # The record as it was before its first tracked change, then as saved.
    assert first.revision.comment == "Initial version."
    assert first.field_dict["title_kk"] == article.title_kk
    assert version.revision.user.username == "aigerim"
    assert "Title" in version.revision.comment or "title" in version.revision.comment.lower()
    fields = version.field_dict
    assert (fields["title_kk"], fields["title_ru"], fields["title_en"]) == (
        "Жаңа атау",
        article.title_ru,
        "New title",
    )
    inline_models = {v.content_type.model for v in version.revision.version_set.all()}
    assert inline_models == {"article", "byline", "reference"}


def compare_rows(client, article):
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert history.status_code == 200
    picked = form_fields(history.content)  # the newest and the one before it, preselected
    url = reverse("admin:articles_article_history_compare", args=[article.pk])
    page = BeautifulSoup(client.get(url, picked).content, "html.parser")
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        + [str(row.find("td", class_="diff"))]
        for row in page.select(".revision-compare tbody tr")
    ]


def test_the_history_compares_two_versions_field_by_field_and_language_by_language(
    editor_client,
):
    article = article_with_inlines()
    with translation.override("en"):  # the admin below is in English
        authors = [byline.author.name for byline in article.bylines.all()]
    url = change_url(article)
    save(editor_client, url)
    data = form_data(editor_client, url)
    data |= {"title_kk": "Ұлы дала елі", "title_ru": "Страна великой степи", "lead_en": "New."}
    data["references-0-text"] = "Әбішев Қ. Дала. Алматы, 2002."
    data["bylines-1-DELETE"] = "on"
    assert editor_client.post(url, data).status_code == 302
    rows = compare_rows(editor_client, article)
    changed = {(row[0], row[1]) for row in rows}
    assert {("Title", "kk"), ("Title", "ru"), ("Lead", "en")} <= changed
    assert ("Title", "en") not in changed  # unchanged languages are not listed
    kk_title = next(row for row in rows if row[:2] == ["Title", "kk"])
    assert kk_title[2:4] == [article.title_kk, "Ұлы дала елі"]
    assert "<del>" in kk_title[-1] and "<ins>Ұлы" in kk_title[-1]
    reference = next(row for row in rows if row[0] == "Reference")
    assert "2001" in reference[2] and "2002" in reference[3]
    removed = [row for row in rows if row[0] == "Author of the article"]  # a byline
    assert [row[2:4] for row in removed] == [[authors[1], "—"]]
    assert "<ins>" not in removed[0][-1]


def test_revert_brings_back_an_older_version_as_a_new_revision(editor_client):
    article = article_with_inlines()
    url = change_url(article)
    first_title = article.title_ru
    save(editor_client, url)
    save(editor_client, url, title_ru="Неудачный заголовок", **{"bylines-1-DELETE": "on"})
    assert Byline.objects.filter(article=article).count() == 1
    oldest = Version.objects.get_for_object(article).order_by("pk").first()
    revert_url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])
    save(editor_client, revert_url)
    article.refresh_from_db()
    assert article.title_ru == first_title
    assert Byline.objects.filter(article=article).count() == 2  # the inline is back too
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 4  # the first, two saves, the revert
    assert "Reverted" in versions.first().revision.comment


def test_a_deleted_article_waits_in_the_trash_and_comes_back_whole(editor_client):
    article = article_with_inlines()
    titles = (article.title_kk, article.title_ru, article.title_en)
    authors = list(article.bylines.values_list("author_id", flat=True))
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()

    trash = editor_client.get(reverse("admin:articles_article_recoverlist"))
    link = BeautifulSoup(trash.content, "html.parser").select_one("#change-history a")
    assert article.title_en in trash.content.decode() or article.title_kk in trash.content.decode()
    save(editor_client, link["href"])
    restored = Article.objects.get(pk=article.pk)
    assert (restored.title_kk, restored.title_ru, restored.title_en) == titles
    assert list(restored.bylines.values_list("author_id", flat=True)) == authors
    assert restored.references.count() == 1


def test_the_trash_is_emptied_after_thirty_days_and_history_of_live_records_stays(editor_client):
    kept, gone = article_with_inlines(), article_with_inlines()
    save(editor_client, change_url(kept))
    editor_client.post(reverse("admin:articles_article_delete", args=[gone.pk]), {"post": "yes"})
    assert Version.objects.get_deleted(Article).count() == 1
    call_command("purge_trash", quiet=True)  # too recent: stays
    assert Version.objects.get_deleted(Article).count() == 1
    later = timezone.now() + datetime.timedelta(days=TRASH_DAYS + 1)
    with time_machine.travel(later):
        call_command("purge_trash", quiet=True)
    assert Version.objects.get_deleted(Article).count() == 0
    assert Version.objects.get_for_object(kept).count() == 2
    assert not Revision.objects.filter(version__isnull=True).exists()


def test_a_save_over_a_newer_version_is_refused_and_keeps_the_typing(client, make_editor):
    client.cookies["django_language"] = "en"
    article = article_with_inlines()
    url = change_url(article)
    editor_a, editor_b = make_editor("aigerim"), make_editor("bolat")
    client.force_login(editor_a)
    save(client, url)  # a first version
    form_a = form_data(client, url)  # A opens the article
    client.force_login(editor_b)
    notice = client.get(url).content.decode()
    assert "aigerim" in notice.lower() and "may be editing" in notice
    save(client, url, title_en="Bolat's title")  # B saves first

    client.force_login(editor_a)
    response = client.post(url, form_a | {"lead_en": "Aigerim's new lead."})
    assert response.status_code == 200
    message = " ".join(errors(response))
    assert "bolat" in message.lower() and "after you opened it" in message
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find("textarea", attrs={"name": "lead_en"}).text.strip() == "Aigerim's new lead."
    compare = page.select_one(".errornote ~ .errorlist a, .errorlist a")["href"]
    assert "history/compare" in compare and "old=" in compare
    article.refresh_from_db()
    assert (article.title_en, article.lead_en) == ("Bolat's title", "A short lead.")

    # Saving again from the refused form replaces B's version knowingly.
    assert client.post(url, form_fields(response.content)).status_code == 302
    article.refresh_from_db()
    assert article.lead_en == "Aigerim's new lead."
    assert Version.objects.get_for_object(article).count() == 4


def test_a_photo_in_use_cannot_be_deleted_and_the_page_says_where(editor_client):
    photo, unused = PhotoFactory(), PhotoFactory()
    article = ArticleFactory(cover=photo)
    place = PlaceFactory()
    place.place_photos.create(photo=photo)
    url = reverse("admin:kazportal_photo_delete", args=[photo.pk])
    page = editor_client.get(url).content.decode()
    assert change_url(article) in page
    assert reverse("admin:regions_place_change", args=[place.pk]) in page
    assert editor_client.post(url, {"post": "yes"}).status_code in (200, 403)
    article.refresh_from_db()
    assert article.cover_id == photo.pk
    assert place.place_photos.filter(photo=photo).exists()
    # The bulk action refuses them too, and says where they are used.
    bulk = {"action": "delete_selected", "_selected_action": [photo.pk, unused.pk], "post": "yes"}
    response = editor_client.post(reverse("admin:kazportal_photo_changelist"), bulk)
    assert change_url(article) in response.content.decode()
    assert type(photo).objects.filter(pk__in=[photo.pk, unused.pk]).count() == 2
    editor_client.post(reverse("admin:kazportal_photo_delete", args=[unused.pk]), {"post": "yes"})
    assert not type(unused).objects.filter(pk=unused.pk).exists()


def test_bulk_publish_stores_a_revision_per_changed_row(editor_client):
    published = ArticleFactory()
    draft = ArticleFactory(status="draft")
    changelist = reverse("admin:articles_article_changelist")
    response = editor_client.post(
        changelist,
        {"action": "publish_now", "_selected_action": [published.pk, draft.pk]},
    )
    assert response.status_code == 302
    assert not Version.objects.get_for_object(published).exists()  # nothing changed
    before, version = Version.objects.get_for_object(draft).order_by("pk")
    assert (before.field_dict["status"], version.field_dict["status"]) == ("draft", "published")
    assert version.revision.user.username == "aigerim"
    with translation.override("en"):  # the admin's language
        assert version.revision.comment == gettext("Published with the bulk action.")


def test_a_draft_published_from_its_form_gets_the_time_of_publishing(editor_client):
    opened = timezone.now() - datetime.timedelta(hours=3)
    url = reverse("admin:articles_article_add")
    with time_machine.travel(opened, tick=False):
        data = form_data(editor_client, url)
    data |= {"title_kk": "Жаңа мақала", "lead_kk": "Қысқаша.", "category": "news"}
    data["status"] = "published"
    response = editor_client.post(url, data)
    assert response.status_code == 302, errors(response)
    article = Article.objects.get(title_kk="Жаңа мақала")
    assert timezone.now() - article.published_at < datetime.timedelta(minutes=1)
    # A chosen time in the future is a schedule and stays.
    later = article.published_at + datetime.timedelta(days=2)
    local = timezone.localtime(later)
    scheduled = form_data(editor_client, url) | {
        "title_kk": "Кейінгі мақала",
        "lead_kk": "Қысқаша.",
        "category": "news",
        "status": "published",
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
    }
    assert editor_client.post(url, scheduled).status_code == 302
    assert Article.objects.get(title_kk="Кейінгі мақала").published_at > timezone.now()


@pytest.mark.parametrize("page", ["change", "history", "compare"])
def test_admin_pages_run_a_fixed_number_of_queries_whatever_the_revisions(
    editor_client, django_assert_max_num_queries, page
):
    article = article_with_inlines()
    url = change_url(article)

    def load():
        versions = Version.objects.get_for_object(article)
        target = {
            "change": url,
            "history": reverse("admin:articles_article_history", args=[article.pk]),
            "compare": reverse("admin:articles_article_history_compare", args=[article.pk])
            + f"?old={versions.last().pk}&new={versions.first().pk}",
        }[page]
        return editor_client.get(target)

    save(editor_client, url)
    save(editor_client, url, title_en="Two")
    with django_assert_max_num_queries(40) as few:
        assert load().status_code == 200
    count = len(few.captured_queries)  # read now: the next request empties the query log
    for n in range(30):
        save(editor_client, url, title_en=f"Title {n}")
    with django_assert_max_num_queries(count):
        assert load().status_code == 200


def test_history_pages_are_in_kazakh(editor_client):
    article = article_with_inlines()
    save(editor_client, change_url(article))
    editor_client.cookies["django_language"] = "kk"
    history = editor_client.get(
        reverse("admin:articles_article_history", args=[article.pk])
    ).content.decode()
    trash = editor_client.get(reverse("admin:articles_article_recoverlist")).content.decode()
    for english in ("Compare", "Older", "Trash", "The trash is empty", "Date/time"):
        assert not re.search(rf">\s*{english}", history + trash), english


def test_a_heritage_item_keeps_its_gallery_and_each_section_has_its_own_trash(editor_client):
    from heritage.models import Item, Kind
    from tests.heritage.factories import ItemFactory, ItemPhotoFactory, section

    item = ItemFactory(section=section(Kind.HISTORY))
    ItemPhotoFactory(item=item)
    other = ItemFactory(section=section(Kind.GOLDEN_FUND))
    url = reverse("admin:heritage_historyitem_delete", args=[item.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    editor_client.post(reverse("admin:heritage_person_delete", args=[other.pk]), {"post": "yes"})
    history_trash = editor_client.get(reverse("admin:heritage_historyitem_recoverlist"))
    page = BeautifulSoup(history_trash.content, "html.parser")
    listed = page.select_one("#change-history").get_text()
    assert item.title_en in listed or item.title_kk in listed
    assert other.title_kk not in listed and other.title_en not in listed
    save(editor_client, page.select_one("#change-history a")["href"])
    restored = Item.objects.get(pk=item.pk)
    assert restored.item_photos.count() == 1
    assert restored.section.kind == Kind.HISTORY


def test_the_trash_runs_a_fixed_number_of_queries(editor_client, django_assert_max_num_queries):
    def delete(n):
        for article in ArticleFactory.create_batch(n):
            editor_client.post(
                reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
            )

    url = reverse("admin:articles_article_recoverlist")
    delete(2)
    with django_assert_max_num_queries(20) as few:
        assert editor_client.get(url).status_code == 200
    count = len(few.captured_queries)
    delete(20)
    with django_assert_max_num_queries(count):
        assert (
            len(
                BeautifulSoup(editor_client.get(url).content, "html.parser").select(
                    "#change-history tbody tr"
                )
            )
            == 22
        )
