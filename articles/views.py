"""The articles' pages: the list (with its filters and keywords) and an article. The calendar's
pages are in calendar_views.py."""

from urllib.parse import quote

from django.conf import settings
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kazportal import cache as page_cache
from kazportal.cache import reads_query
from kazportal.i18n import text_in_language
from kazportal.pages import bad_request, paginate

from . import structured_data
from .models import MAX_YEAR, MIN_YEAR, Article, Byline, Tag

RELATED = 3


def query_without(request, name):
    """The current query string without `name` and `page` (for filter and page links)."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop(name, None)
    return params.urlencode()


@reads_query("category", "year", "page")
@require_GET
def article_list(request, tag=None):
    articles = Article.objects.published().for_list().newest_first()
    filters = {}
    tag_obj = None
    if tag is not None:
        tag_obj = get_object_or_404(Tag, slug=tag)
        articles = articles.tagged(tag_obj)
    category = request.GET.get("category", "")
    if category:
        if category not in Article.Category.values:
            return bad_request(request, _("There is no such category of articles."))
        articles = articles.in_category(category)
        filters["category"] = category
    year = request.GET.get("year", "")
    if year:
        if not year.isdigit() or not MIN_YEAR <= int(year) <= MAX_YEAR:
            return bad_request(request, _("The year must be a number such as 2025."))
        articles = articles.in_year(int(year))
        filters["year"] = int(year)
    page = paginate(request, articles)
    years = [d.year for d in Article.objects.published().dates("published_at", "year", "DESC")]
    popular_tags = (
        Tag.objects.filter(articles__in=Article.objects.published())
        .annotate(count=Count("articles"))
        .order_by("-count", "slug")[:15]
    )
    base = {} if tag_obj is None else {"tag": tag_obj}
    return render(
        request,
        "articles/article_list.html",
        {
            **base,
            "page": page,
            "articles": page.object_list,
            "categories": Article.Category.choices,
            "years": years,
            "popular_tags": popular_tags,
            "filters": filters,
            "query_for_pages": query_without(request, "page"),
        },
    )


@require_GET
def article_detail(request, slug):
    queryset = (
        Article.objects.visible_to(request.user)
        .select_related("cover")
        .prefetch_related("references")
    )
    article = get_object_or_404(queryset, slug=slug)

    def keep(name, load):
        return page_cache.kept((name, article.pk), lambda: load(article), request, [article])

    # The article's own row and references are read from the database on every render; its
    # authors and keywords (rows shown on other articles too) are kept values (kazportal/cache.py).
    authors = keep("article-authors", article_authors)
    tags = keep("article-tags", lambda a: list(a.tags.all()))
    other_abstracts = [
        (code, name, getattr(article, f"abstract_{code}"))
        for code, name in settings.LANGUAGES
        if code != request.LANGUAGE_CODE and getattr(article, f"abstract_{code}", "")
    ]
    absolute = request.build_absolute_uri(article.get_absolute_url())
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "authors": authors,
            "tags": tags,
            "references": list(article.references.all()),
            "other_abstracts": other_abstracts,
            # read in the template's kept block only (two queries when what it shows changed)
            "related": SimpleLazyObject(lambda: related_articles(article, tags)),
            "absolute_url": absolute,
            "citation": citation(article, authors, absolute),
            "jsonld": structured_data.article_detail(request, article, authors, tags, absolute),
            "share": share_links(absolute, text_in_language(article, "title")),
        },
    )


def article_authors(article):
    """The article's authors in byline order (one query)."""
    bylines = Byline.objects.filter(article=article).select_related("author").order_by("order")
    return [byline.author for byline in bylines]


def related_articles(article, tags):
    """The articles the editors linked to this one, then others sharing its keywords (`tags`),
    up to RELATED (two queries)."""
    related = list(article.related.published().select_related("cover"))
    if len(related) < RELATED:
        chosen = {a.pk for a in related}
        others = Article.objects.published().related_to(
            article, limit=RELATED + len(chosen), tags=tags
        )
        for other in others:
            if other.pk not in chosen and len(related) < RELATED:
                related.append(other)
    return related


def citation(article, authors, absolute):
    names = ", ".join(text_in_language(a, "name") for a in authors)
    year = (article.first_published_on or article.accepted_on or article.published_at).year
    # A summary is cited as the paper it summarises: its authors, title, source and DOI.
    title = (article.original_title or text_in_language(article, "title")).rstrip(".") + "."
    # With no author the title leads, as in APA style: "Title. (2026). Source. URL"
    parts = [f"{names} ({year}).", title] if names else [title, f"({year})."]
    source = text_in_language(article, "source")
    if source:
        parts.append(source.rstrip(".") + ".")
    parts.append(article.doi_url or absolute)
    return " ".join(parts)


def share_links(url, title):
    u, t = quote(url, safe=""), quote(title, safe="")
    return [
        ("Telegram", f"https://t.me/share/url?url={u}&text={t}"),
        ("WhatsApp", f"https://wa.me/?text={t}%20{u}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}"),
        ("X", f"https://x.com/intent/post?url={u}&text={t}"),
        (_("E-mail"), f"mailto:?subject={t}&body={u}"),
    ]
