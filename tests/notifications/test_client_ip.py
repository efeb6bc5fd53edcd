"""The client's address: proxy headers count only from a trusted proxy (SUIJI_TRUSTED_PROXIES)."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import make_mocked_request
from multidict import CIMultiDict

from notifications.client_ip import DEFAULT_TRUSTED_PROXIES, TrustedProxies, client_ip
from suiji.settings import SettingsError, load_settings

LOOPBACK = TrustedProxies.parse(DEFAULT_TRUSTED_PROXIES)
COMPOSE = TrustedProxies.parse("127.0.0.1/32, ::1/128, 172.18.0.0/16")


def req(peer: str, *headers: tuple[str, str]):
    r = make_mocked_request("GET", "/", headers=CIMultiDict(headers))
    r._transport_peername = (peer, 1234)  # type: ignore[attr-defined]
    return r


def test_an_untrusted_peer_is_the_client_whatever_it_writes():
    spoofed = req("8.8.8.8", ("X-Forwarded-For", "203.0.113.7"), ("X-Real-IP", "203.0.113.8"))
    assert client_ip(spoofed, LOOPBACK) == "8.8.8.8"
    # Private is not trusted by default: a container next to us is not our proxy.
    assert client_ip(req("172.18.0.5", ("X-Real-IP", "203.0.113.7")), LOOPBACK) == "172.18.0.5"


def test_through_a_trusted_proxy_the_real_client_is_used():
    # nginx overwrote the header with the address it saw ($remote_addr).
    assert client_ip(req("127.0.0.1", ("X-Forwarded-For", "203.0.113.7")), LOOPBACK) == \
        "203.0.113.7"
    # nginx appended it ($proxy_add_x_forwarded_for): what the client wrote before is ignored.
    chain = req("172.18.0.2", ("X-Forwarded-For", "1.2.3.4, 203.0.113.7, 172.18.0.9"))
    assert client_ip(chain, COMPOSE) == "203.0.113.7"
    # Several header lines are one list, in order.
    lines = req("::1", ("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-For", "203.0.113.7"))
    assert client_ip(lines, LOOPBACK) == "203.0.113.7"
    # Without X-Forwarded-For, the trusted proxy's X-Real-IP.
    assert client_ip(req("127.0.0.1", ("X-Real-IP", "2001:db8::7")), LOOPBACK) == "2001:db8::7"


def test_what_cannot_be_read_falls_back_to_the_nearest_trusted_address():
    assert client_ip(req("127.0.0.1", ("X-Real-IP", "not-an-ip")), LOOPBACK) == "127.0.0.1"
    garbage = req("127.0.0.1", ("X-Forwarded-For", "203.0.113.7, junk"))
    assert client_ip(garbage, LOOPBACK) == "127.0.0.1"
    # Everyone in the chain is one of ours: the farthest of them.
    inside = req("172.18.0.2", ("X-Forwarded-For", "172.18.0.40, 127.0.0.1"))
    assert client_ip(inside, COMPOSE) == "172.18.0.40"
    # An IPv4 peer on a dual-stack socket.
    mapped = req("::ffff:127.0.0.1", ("X-Forwarded-For", "203.0.113.7"))
    assert client_ip(mapped, LOOPBACK) == "203.0.113.7"


def test_the_setting_is_checked_at_start_up(tmp_path):
    assert load_settings(data_dir=tmp_path).trusted_proxies == DEFAULT_TRUSTED_PROXIES
    assert TrustedProxies.parse("").networks == ()
    with pytest.raises(SettingsError, match=r"SUIJI_TRUSTED_PROXIES.*'10\.0\.0\.0/33'"):
        load_settings(data_dir=tmp_path, trusted_proxies="127.0.0.1, 10.0.0.0/33")
