"""The admin login refuses impossible user names with a form error (kazportal/login.py): longer
than the user model allows (django-axes would store it in a 255-character column, a server error
on PostgreSQL) or with a NUL byte. Nothing is recorded as a failed attempt, nobody is locked."""

import pytest
from axes.models import AccessAttempt
from django.contrib.admin import site
from django.urls import reverse
from django.utils import translation

from kazportal.login import AdminLoginForm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    """Requests activate their page's language in this thread: leave none behind for the
    tests that follow."""
    yield
    translation.deactivate()


URL = reverse("admin:login")


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="right-password", is_staff=True)


def test_the_admin_site_uses_the_form():
    assert site.login_form is AdminLoginForm


@pytest.mark.parametrize(
    "username", ["a" * 256, "Ұ" * 151, "a" * 20_000, "edi\x00tor", "\x00", "a" * 300 + "\x00"]
)
def test_an_impossible_user_name_is_a_form_error(client, editor, username):
    response = client.post(URL, {"username": username, "password": "right-password"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "username" in form.errors
    assert not response.wsgi_request.user.is_authenticated
    assert AccessAttempt.objects.count() == 0  # no failure stored, no lockout to crash on
    # The right user name and password still sign in at once.
    response = client.post(URL, {"username": "editor", "password": "right-password"})
    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated


def test_the_message_is_translated(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(URL, {"username": "a" * 256, "password": "x"})
    assert "A user name has at most 150 characters." in response.content.decode()


def test_many_long_user_names_never_lock_out_the_real_one(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        assert client.post(URL, {"username": "e" * 300, "password": "wrong"}).status_code == 200
    response = client.post(URL, {"username": "editor", "password": "right-password"})
    assert response.status_code == 302


def test_a_user_name_of_the_longest_allowed_length_is_an_ordinary_wrong_login(client):
    response = client.post(URL, {"username": "a" * 150, "password": "x"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "username" not in form.errors and form.non_field_errors()
    assert AccessAttempt.objects.count() == 1  # counted by django-axes as usual


def test_a_nul_byte_in_the_password_is_a_form_error_too(client, editor):
    response = client.post(URL, {"username": "editor", "password": "right\x00password"})
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert AccessAttempt.objects.count() == 0
