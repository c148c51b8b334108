from django.urls import path, register_converter

from . import views


class TokenConverter:
    """A portrait's secret token: ``secrets.token_urlsafe(32)``, 43 URL-safe characters."""

    regex = r"[A-Za-z0-9_-]{20,64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TokenConverter, "token")

app_name = "batyr"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<token:token>/", views.portrait_page, name="portrait"),
    path("<token:token>/status/", views.status, name="status"),
    path("<token:token>/again/", views.again, name="again"),
    path("<token:token>/delete/", views.delete, name="delete"),
    path("<token:token>/<str:name>", views.image, name="image"),
]
