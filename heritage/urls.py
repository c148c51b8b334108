from django.urls import path

from . import views

app_name = "heritage"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:section>/", views.section, name="section"),
    path("<slug:section>/<slug:slug>/", views.item, name="item"),
    path(
        "<slug:section>/<slug:slug>/documents/<int:pk>/",
        views.document_download,
        name="document",
    ),
]
