import pytest
from django.urls import reverse

PUBLIC = ["/kk/", "/ru/", "/en/", "/kk/search/", "/en/search/?q=steppe", "/kk/no-such-page/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC)
def test_security_headers_on_public_pages(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
    )
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["script-src"][0] == "'self'"
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_no_third_party_requests_from_pages(client):
    html = client.get("/kk/").content.decode()
    for marker in ('src="http', 'href="http'):
        for chunk in html.split(marker)[1:]:
            assert chunk.startswith("://testserver"), chunk[:60]


@pytest.mark.django_db
def test_admin_login_is_throttled(client, django_user_model):
    django_user_model.objects.create_user("editor", password="right-password", is_staff=True)
    url = reverse("admin:login")
    for _ in range(4):
        response = client.post(url, {"username": "editor", "password": "wrong"})
        assert response.status_code == 200  # the form again, with an error
    assert client.post(url, {"username": "editor", "password": "wrong"}).status_code == 429
    # Locked now: even the right password is refused.
    response = client.post(url, {"username": "editor", "password": "right-password"})
    assert response.status_code == 429
    assert "/admin/" not in response.get("Location", "")


@pytest.mark.django_db
def test_admin_login_page_is_shown(client):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert b'name="password"' in response.content
