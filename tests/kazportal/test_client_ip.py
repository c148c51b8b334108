"""The client's address behind a trusted reverse proxy (kazportal/client.py), and the two limits
that count clients by it: the batyr upload allowance and the admin's login lockout (axes)."""

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from kazportal.client import client_ip, client_key, parse_networks
from tests.batyr.conftest import upload  # noqa: F401 (the fixture that posts the form)

PROXY = "10.0.0.2"
EDGE = "10.0.1.5"  # a second proxy in front of the first (a load balancer)
CLIENT_A = "203.0.113.7"
CLIENT_B = "198.51.100.9"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "10.0.1.0/24", "2001:db8:ffff::1"]


def request_from(remote_addr, forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


# --- the address ------------------------------------------------------------------------


def test_a_direct_client_is_its_remote_addr(behind_proxy):
    assert client_ip(request_from(CLIENT_A)) == CLIENT_A
    assert client_key(request_from(CLIENT_A)) == CLIENT_A


def test_nobody_is_trusted_by_default(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from(PROXY, CLIENT_A)) == PROXY


def test_a_trusted_proxy_is_believed_about_x_forwarded_for(behind_proxy):
    assert client_ip(request_from(PROXY, CLIENT_A)) == CLIENT_A
    assert client_ip(request_from(PROXY, f" {CLIENT_A} ")) == CLIENT_A


def test_the_chain_through_two_trusted_proxies_gives_the_client(behind_proxy):
    # The client connected to the edge, the edge to our proxy: each appended its peer.
    assert client_ip(request_from(PROXY, f"{CLIENT_A}, {EDGE}")) == CLIENT_A
    # An IPv6 proxy listed as a single address is trusted as well.
    assert client_ip(request_from("2001:db8:ffff::1", f"{CLIENT_A},{EDGE}")) == CLIENT_A


def test_what_the_client_wrote_left_of_its_own_address_is_not_believed(behind_proxy):
    # The client sent "X-Forwarded-For: 192.0.2.66" (and a trusted-looking one); the proxy
    # appended the real address: the nearest untrusted entry counts, not the leftmost.
    forged = f"192.0.2.66, {EDGE}, {CLIENT_A}"
    assert client_ip(request_from(PROXY, forged)) == CLIENT_A


def test_an_untrusted_remote_addr_cannot_forge_x_forwarded_for(behind_proxy):
    assert client_ip(request_from(CLIENT_A, CLIENT_B)) == CLIENT_A
    assert client_key(request_from(CLIENT_A, CLIENT_B)) == CLIENT_A
    # Not even by claiming to come through our own proxy.
    assert client_ip(request_from(CLIENT_A, f"{CLIENT_B}, {PROXY}")) == CLIENT_A


@pytest.mark.parametrize(
    "header",
    [
        "",
        "garbage",
        "unknown, , ;DROP TABLE",
        "999.1.1.1",
        f"{CLIENT_A}:443",
        "\x00",
        ",,,,",
        f"{EDGE}, {PROXY}",  # only proxies
    ],
)
def test_garbage_in_the_header_falls_back_to_remote_addr(behind_proxy, header):
    assert client_ip(request_from(PROXY, header)) == PROXY


def test_garbage_entries_are_skipped(behind_proxy):
    assert client_ip(request_from(PROXY, f"{CLIENT_A}, nonsense, {EDGE}")) == CLIENT_A
    assert client_ip(request_from(PROXY, f"{CLIENT_B}, {CLIENT_A}, unknown")) == CLIENT_A


def test_ipv4_seen_through_an_ipv6_socket_is_ipv4(behind_proxy):
    assert client_ip(request_from(f"::ffff:{PROXY}", CLIENT_A)) == CLIENT_A
    assert client_ip(request_from(f"::ffff:{CLIENT_A}")) == CLIENT_A


def test_a_remote_addr_that_is_no_address_is_kept(behind_proxy):
    assert client_ip(request_from("", CLIENT_A)) == ""
    assert client_key(request_from("", CLIENT_A)) == ""


def test_ipv6_clients_are_counted_per_64(behind_proxy):
    one = client_key(request_from(PROXY, "2001:db8:1:2:aaaa:bbbb:cccc:dddd"))
    same_network = client_key(request_from("2001:db8:1:2::99"))
    next_network = client_key(request_from(PROXY, "2001:db8:1:3::1"))
    assert one == same_network == "2001:db8:1:2::"
    assert next_network == "2001:db8:1:3::"
    # client_ip keeps the whole address; IPv4 keys are the address itself.
    assert client_ip(request_from("2001:db8:1:2::99")) == "2001:db8:1:2::99"
    assert client_key(request_from(PROXY, f"{CLIENT_B}")) == CLIENT_B


def test_a_bad_trusted_proxy_entry_is_a_configuration_error():
    assert [str(n) for n in parse_networks(("127.0.0.1", "10.0.0.0/8", "::1"))] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
        "::1/128",
    ]
    with pytest.raises(ImproperlyConfigured, match="nginx"):
        parse_networks(("127.0.0.1", "nginx"))


def test_axes_asks_for_the_client_key(settings, behind_proxy):
    from axes.helpers import get_client_ip_address

    assert settings.AXES_CLIENT_IP_CALLABLE == "kazportal.client.client_key"
    assert get_client_ip_address(request_from(PROXY, f"{CLIENT_A}, {EDGE}")) == CLIENT_A


# --- the batyr upload allowance ---------------------------------------------------------


@pytest.mark.django_db
def test_each_client_behind_the_proxy_has_its_own_upload_allowance(
    client,
    upload,  # noqa: F811
    settings,
    behind_proxy,
):
    settings.BATYR_UPLOADS_PER_HOUR = 1
    client.defaults.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_A)
    assert upload().status_code == 303
    assert upload().status_code == 429  # A's allowance is used up...
    client.defaults["HTTP_X_FORWARDED_FOR"] = CLIENT_B
    assert upload().status_code == 303  # ...not B's, though both come through the proxy
    # A cannot get round the limit by forging an entry left of its own address.
    client.defaults["HTTP_X_FORWARDED_FOR"] = f"192.0.2.1, {CLIENT_A}"
    assert upload().status_code == 429


@pytest.mark.django_db
def test_an_ipv6_client_cannot_renew_its_upload_allowance_within_its_64(
    client,
    upload,  # noqa: F811
    settings,
    behind_proxy,
):
    settings.BATYR_UPLOADS_PER_HOUR = 1
    client.defaults.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="2001:db8:1:2::a")
    assert upload().status_code == 303
    client.defaults["HTTP_X_FORWARDED_FOR"] = "2001:db8:1:2::b"
    assert upload().status_code == 429


@pytest.mark.django_db
def test_without_trusted_proxies_everyone_behind_it_shares_one_allowance(
    client,
    upload,  # noqa: F811
    settings,
):
    # What the site did before: the header is ignored, the proxy is the only client.
    settings.TRUSTED_PROXIES = []
    settings.BATYR_UPLOADS_PER_HOUR = 1
    client.defaults.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_A)
    assert upload().status_code == 303
    client.defaults["HTTP_X_FORWARDED_FOR"] = CLIENT_B
    assert upload().status_code == 429


# --- the admin's login lockout ----------------------------------------------------------


def fail_until_locked(client, settings, **headers):
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "editor", "password": "wrong"}, **headers)
        assert response.status_code == 200
    response = client.post(url, {"username": "editor", "password": "wrong"}, **headers)
    assert response.status_code == 429


def log_in(client, **headers):
    return client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "right-password", "next": "/admin/"},
        **headers,
    )


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="right-password", is_staff=True)


@pytest.mark.django_db
def test_axes_locks_out_one_client_behind_the_proxy_not_another(
    client, settings, behind_proxy, editor
):
    a = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": CLIENT_A}
    b = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{CLIENT_B}, {EDGE}"}
    fail_until_locked(client, settings, **a)
    assert log_in(client, **a).status_code == 429  # A is locked out, right password or not
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [CLIENT_A]
    response = log_in(client, **b)
    assert response.status_code == 302  # B signs in as usual
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
def test_axes_locks_out_the_whole_64_of_an_ipv6_client(client, settings, behind_proxy, editor):
    first = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "2001:db8:1:2::a"}
    fail_until_locked(client, settings, **first)
    # A new address in the same /64 does not buy five more guesses; another network signs in.
    assert log_in(client, REMOTE_ADDR="2001:db8:1:2:ffff::1").status_code == 429
    other = log_in(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="2001:db8:1:3::a")
    assert other.status_code == 302


@pytest.mark.django_db
def test_axes_ignores_a_forged_header_from_a_direct_client(client, settings, behind_proxy, editor):
    # An attacker rotating X-Forwarded-For without going through the proxy stays one client.
    url = reverse("admin:login")
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            url,
            {"username": "editor", "password": "wrong"},
            REMOTE_ADDR=CLIENT_A,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        )
    response = log_in(client, REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429
