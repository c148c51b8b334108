from django.urls import path, re_path

from . import calendar_views, feeds, views

app_name = "articles"

urlpatterns = [
    path("articles/", views.article_list, name="index"),
    path("articles/feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("articles/feed/atom/", feeds.LatestArticlesAtomFeed(), name="atom"),
    path("articles/tag/<slug:tag>/", views.article_list, name="tag"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("calendar/", calendar_views.calendar_month, name="calendar"),
    re_path(
        r"^calendar/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        calendar_views.calendar_month,
        name="month",
    ),
    re_path(
        r"^calendar/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/$",
        calendar_views.calendar_day,
        name="day",
    ),
    path("events/<slug:slug>.ics", calendar_views.event_ics, name="event_ics"),
    path("events/<slug:slug>/", calendar_views.event_detail, name="event"),
]
