from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="index"),
    path("<slug:slug>/", views.region_detail, name="region"),
    path("<slug:region>/<slug:slug>/", views.place_detail, name="place"),
]
