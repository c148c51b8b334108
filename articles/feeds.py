"""RSS 2.0 and Atom feeds of the newest articles, one per language (the URL prefix)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from kazportal.i18n import text_in_language

from .models import Article

FEED_SIZE = 20


class LatestArticlesFeed(Feed):
    feed_type = Rss201rev2Feed

    def title(self):
        return _("%(site)s: articles") % {"site": settings.SITE_NAME}

    def description(self):
        return _("News, analysis and research on the culture of Kazakhstan.")

    subtitle = description

    def link(self):
        return reverse("articles:index")

    def feed_url(self):
        return reverse("articles:feed")

    def items(self):
        return list(Article.objects.published().for_list().newest_first()[:FEED_SIZE])

    def item_title(self, item):
        return text_in_language(item, "title")

    def item_description(self, item):
        return text_in_language(item, "lead") or text_in_language(item, "abstract")

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"article-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(text_in_language(a, "name") for a in item.ordered_authors()) or None

    def item_categories(self, item):
        return [text_in_language(tag, "name") for tag in item.tags.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def feed_url(self):
        return reverse("articles:atom")
