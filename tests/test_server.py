"""Requests sent to a running `frostpage serve`: nothing outside the site is ever served."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from frostpage.cli import _is_loopback

# Sent as written: http.client does not normalise the path, as a browser or curl would.
HOSTILE_PATHS = [
    "/static/../site/config.toml",
    "/static/..%2fsite/config.toml",
    "/static/%2e%2e/site/config.toml",
    "/static/%2e%2e%2fsite%2fconfig.toml",
    "/static/..%5csite%5cconfig.toml",
    "/static/..\\site\\config.toml",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "//etc/passwd",
    "/../site/config.toml",
    "/site/config.toml",
    "/content/about.md",
    "/.env",
    "/static/.env",
    "/.git/config",
    "/static/.git/config",
    "/templates/base.html",
]


def raw_get(base: str, path: str) -> tuple[int, bytes]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def test_nothing_outside_the_site_is_served(live_server, site_root):
    (site_root / ".env").write_text("SECRET_TOKEN=1\n", "utf-8")
    (site_root / "static/.env").write_text("SECRET_TOKEN=2\n", "utf-8")
    for path in HOSTILE_PATHS:
        status, body = raw_get(live_server, path)
        assert status in (400, 404), (path, status)
        for secret in (b"SECRET_TOKEN", b"base_url", b"root:x:0", b"{% block"):
            assert secret not in body, (path, secret)


def test_the_dev_server_answers_on_loopback(live_server):
    assert urlsplit(live_server).hostname == "127.0.0.1"
    status, body = raw_get(live_server, "/about/")
    assert status == 200 and b"About us" in body


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.4", False),
    ],
)
def test_the_debugger_is_only_ever_enabled_on_loopback(host, loopback):
    assert _is_loopback(host) is loopback
