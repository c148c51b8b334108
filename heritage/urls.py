from django.urls import path

from . import views

app_name = "heritage"
urlpatterns = [
    path("", views.section_list, name="index"),
    path("<slug:section>/", views.section_detail, name="section"),
    path("<slug:section>/<slug:slug>/", views.item_detail, name="item"),
    path(
        "<slug:section>/<slug:slug>/documents/<int:pk>/",
        views.document_download,
        name="document",
    ),
]
