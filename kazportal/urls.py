from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from articles import calendar_views as articles_views
from articles.sitemaps import ArticleSitemap, ArticlesPagesSitemap, EventSitemap
from heritage.sitemaps import HeritageItemSitemap, HeritageSectionSitemap
from regions.sitemaps import PlaceSitemap, RegionsIndexSitemap, RegionSitemap

from . import desk, search, views
from .login import AdminLoginForm
from .sitemaps import StaticPagesSitemap

admin.site.site_header = _("Kazportal administration")
admin.site.site_title = _("Kazportal")
admin.site.index_title = _("Content of the portal")
admin.site.login_form = AdminLoginForm

# Every app's sitemaps, in one sitemap.xml (the composition root: the apps do not know each other).
SITEMAPS = {
    "pages": StaticPagesSitemap,
    "heritage-sections": HeritageSectionSitemap,
    "heritage-items": HeritageItemSitemap,
    "regions-index": RegionsIndexSitemap,
    "regions": RegionSitemap,
    "places": PlaceSitemap,
    "articles-pages": ArticlesPagesSitemap,
    "articles": ArticleSitemap,
    "events": EventSitemap,
}

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("calendar.ics", articles_views.calendar_ics, name="calendar_ics"),
    path(
        "admin/translations/",
        admin.site.admin_view(desk.translations),
        name="translation_dashboard",
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("search/", search.search, name="search"),
    path("regions/", include("regions.urls")),
    path("heritage/", include("heritage.urls")),
    path("", include("articles.urls")),
    path("batyr/", include("batyr.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "kazportal.views.page_not_found"
