from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class I18nSitemap(Sitemap):
    """Every URL once per language, with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True


class StaticPagesSitemap(I18nSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["home"]

    def location(self, item):
        return reverse(item)


# Apps add their sitemaps here.
SITEMAPS = {"pages": StaticPagesSitemap}

from heritage.sitemaps import HeritageItemSitemap, HeritageSectionSitemap  # noqa: E402

SITEMAPS["heritage-sections"] = HeritageSectionSitemap
SITEMAPS["heritage-items"] = HeritageItemSitemap

# regions: the map page, every public region and place
from regions.sitemaps import PlaceSitemap, RegionsIndexSitemap, RegionSitemap  # noqa: E402

SITEMAPS.update(
    {"regions-index": RegionsIndexSitemap, "regions": RegionSitemap, "places": PlaceSitemap}
)

# articles: the article list, the calendar, every public article and event
from articles.sitemaps import ArticleSitemap, ArticlesPagesSitemap, EventSitemap  # noqa: E402

SITEMAPS.update(
    {"articles-pages": ArticlesPagesSitemap, "articles": ArticleSitemap, "events": EventSitemap}
)
