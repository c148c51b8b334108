from django.urls import reverse

from kazportal.sitemaps import I18nSitemap

from .models import Article, Event


class ArticlesPagesSitemap(I18nSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return ["articles:index", "articles:calendar"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(I18nSitemap):
    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return (
            Article.objects.published()
            .order_by("-published_at")
            .only("slug", "updated_at", "published_at")
        )

    def lastmod(self, item):
        return item.updated_at


class EventSitemap(I18nSitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Event.objects.published().order_by("start_date", "slug").only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at
