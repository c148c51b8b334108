"""Who the client is: its address, also behind a reverse proxy that we trust.

gunicorn puts the address of whatever connected to it in ``REMOTE_ADDR``; behind nginx that is
nginx, for every visitor. (gunicorn's ``forwarded_allow_ips`` only governs which peers it
believes about headers such as ``X-Forwarded-Proto``; it never rewrites ``REMOTE_ADDR``.) So the
proxies listed in ``TRUSTED_PROXIES`` (``DJANGO_TRUSTED_PROXIES``: addresses or CIDR networks,
comma-separated; empty: trust nobody) are believed about ``X-Forwarded-For``, and nobody else.

``client_ip(request)`` is the address; ``client_key(request)`` the address that limits count
(one IPv6 /64 is one client). The batyr upload limit and django-axes
(``AXES_CLIENT_IP_CALLABLE``) use ``client_key``.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

IPV6_CLIENT_PREFIX = 64


@lru_cache(maxsize=8)
def parse_networks(entries):
    """The networks of ``entries`` (addresses or CIDR networks; an address is its own /32 or
    /128). A bad entry is a configuration error, named in the message."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"DJANGO_TRUSTED_PROXIES: {entry!r} is neither an IP address nor a network "
                "(see README: Settings)."
            ) from None
    return tuple(networks)


def trusted_networks():
    return parse_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def parse_address(value):
    """An ``ip_address`` for ``value``, or None if it is not one. IPv4 seen through an IPv6
    socket (``::ffff:192.0.2.1``) is the IPv4 address it is."""
    try:
        address = ipaddress.ip_address(value.strip())
    except (AttributeError, ValueError):
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted(address, networks):
    return any(address.version == net.version and address in net for net in networks)


def client_address(request):
    """The client's address as an ``ip_address``, or None if ``REMOTE_ADDR`` is not one."""
    remote = parse_address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    networks = trusted_networks()
    if not is_trusted(remote, networks):
        return remote  # a direct client: whatever X-Forwarded-For it sends is its own story
    # Each trusted proxy appends the address it was connected from, so walking from the right
    # the first address that is not one of them is the client; what lies to its left was
    # written by the client and is not believed. Entries that are no address are skipped.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        address = parse_address(entry)
        if address is not None and not is_trusted(address, networks):
            return address
    return remote  # only proxies (or nothing usable) in the header


def client_ip(request):
    """The client's IP address as a string: ``REMOTE_ADDR``, unless that is a trusted proxy
    (``TRUSTED_PROXIES``), then the nearest address in ``X-Forwarded-For`` that is not a
    trusted proxy. A ``REMOTE_ADDR`` that is no IP address (a Unix socket's) is returned as
    it is."""
    address = client_address(request)
    if address is None:
        return request.META.get("REMOTE_ADDR", "")
    return str(address)


def client_key(request):
    """The address that rate limits and lockouts count: ``client_ip``, but for IPv6 the first
    address of its /64 (``2001:db8:1:2::`` for every ``2001:db8:1:2:*``); IPv4 as it is.

    An IPv6 subscriber is given a whole /64 (usually more), and the machines on it pick and
    change their addresses within it at will (privacy extensions), so one visitor, or one
    attacker, has 2**64 addresses: counting per address would let them reset any limit by
    taking the next one. The /64 is the smallest block one client cannot leave.

    django-axes uses this too (``AXES_CLIENT_IP_CALLABLE``), for the same reason: its lockout
    is per user name and address, and per IPv6 address it would lock out nobody. The cost is
    that people sharing a /64 (one home or office network) share the five attempts for one
    user name, as people behind one IPv4 NAT always have. The key is an address (the
    network's first), not ``…/64``, so that it fits the address columns axes stores it in."""
    address = client_address(request)
    if address is None:
        return request.META.get("REMOTE_ADDR", "")
    if address.version == 6:
        host_bits = 128 - IPV6_CLIENT_PREFIX
        return str(ipaddress.IPv6Address(int(address) >> host_bits << host_bits))
    return str(address)
