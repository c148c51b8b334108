import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from kazportal.models import Publishable
from kazportal.text import latin_slug
from regions.models import Region
from tests.factories import PhotoFactory


def make_region(slug, **kwargs):
    kwargs.setdefault("name_kk", slug.title())
    return Region.objects.create(slug=slug, **kwargs)


@pytest.mark.django_db
def test_published_queryset_hides_drafts_and_future_publications():
    now = timezone.now()
    live = make_region("live", status=Publishable.Status.PUBLISHED, published_at=now)
    make_region("draft", status=Publishable.Status.DRAFT, published_at=now)
    later = make_region(
        "later", status=Publishable.Status.PUBLISHED, published_at=now + datetime.timedelta(hours=1)
    )
    assert list(Region.objects.published()) == [live]
    assert list(Region.objects.scheduled()) == [later]
    assert {r.slug for r in Region.objects.drafts()} == {"draft"}
    assert live.is_public and not later.is_public


@pytest.mark.django_db
def test_editors_see_drafts_visitors_do_not(django_user_model, make_editor):
    make_region("draft")
    editor = make_editor("ed")
    visitor = django_user_model.objects.create_user("vi", password="x")
    # Staff status alone is not enough: previewing needs the permission to change the content.
    other_staff = django_user_model.objects.create_user("st", password="x", is_staff=True)
    assert Region.objects.visible_to(editor).count() == 1
    assert Region.objects.visible_to(visitor).count() == 0
    assert Region.objects.visible_to(other_staff).count() == 0


def render(template, **context):
    return Template("{% load kazportal %}" + template).render(Context(context))


@pytest.mark.django_db
def test_fallback_is_marked_with_lang_and_a_notice():
    region = make_region("x", name_kk="Алматы", name_ru="Алматы", name_en="", body_kk="Тау бөктері")
    with translation.override("en"):
        html = render('{% translated r "body" tag="div" notice=True %}', r=region)
        assert '<div lang="kk" class="fallback">Тау бөктері</div>' in html
        assert "not yet translated into English" in html
        title = render('{% translated r "name" %}', r=region)
        assert title == '<span lang="ru" class="fallback">Алматы</span>'
    with translation.override("kk"):
        assert render('{% translated r "body" tag="div" notice=True %}', r=region) == (
            "<div>Тау бөктері</div>"
        )


@pytest.mark.django_db
def test_picture_tag_writes_webp_srcset_with_dimensions(renditions_on_use):
    photo = PhotoFactory()  # 1000 x 700 JPEG
    assert (photo.width, photo.height) == (1000, 700)
    html = render('{% picture p sizes="50vw" %}', p=photo)
    assert html.startswith("<picture>")
    assert '<source type="image/webp" srcset="' in html
    assert ".webp 480w" in html and ".webp 800w" in html and ".webp 1000w" in html
    assert ".jpg 480w" in html
    assert 'width="800" height="560"' in html
    assert 'alt="' + photo.alt_kk + '"' in html
    assert 'loading="lazy"' in html and 'sizes="50vw"' in html
    renditions = list(Path(settings.MEDIA_ROOT, "renditions").rglob("*.webp"))
    assert len(renditions) == 3  # 480, 800 and the original 1000 (never upscaled)


@pytest.mark.django_db
def test_picture_alt_follows_the_language():
    photo = PhotoFactory(alt_kk="Киіз үй", alt_ru="Юрта", alt_en="A yurt")
    for lang, alt in (("kk", "Киіз үй"), ("ru", "Юрта"), ("en", "A yurt")):
        with translation.override(lang):
            assert f'alt="{alt}"' in render("{% picture p %}", p=photo)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Шарын шатқалы", "sharyn-shatqaly"),
        ("Үшқоңыр үстірті", "ushqongyr-ustirti"),
        ("Ақмола облысы", "aqmola-oblysy"),
        ("Щучинск и Боровое", "shchuchinsk-i-borovoe"),
        ("Әбілқайыр хан", "abilqaiyr-khan"),
        ("Khoja Ahmed Yasawi!", "khoja-ahmed-yasawi"),
    ],
)
def test_latin_slugs_from_kazakh_and_russian(title, slug):
    assert latin_slug(title) == slug


def test_jsonld_cannot_break_out_of_its_script():
    html = render("{% jsonld d %}", d={"name": "</script><script>alert(1)</script>"})
    assert html.startswith('<script type="application/ld+json">')
    assert "</script><script>" not in html
