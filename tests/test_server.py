"""Requests sent to a running `frostpage serve`: nothing outside the site is ever served."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
from conftest import free_port, need
from werkzeug.test import Client

from frostpage.live import LivePreview

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


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on ``port``, as the kernel reports them."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as lines:
            for line in list(lines)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, _, hex_port = local.partition(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def test_the_dev_server_listens_on_loopback_only(live_server):
    need(os.path.exists("/proc/net/tcp"), "Linux's /proc/net/tcp")
    assert listening_addresses(urlsplit(live_server).port) == {"0100007F"}  # 127.0.0.1
    status, body = raw_get(live_server, "/about/")
    assert status == 200 and b"About us" in body


def serve(site_root, *arguments: str) -> subprocess.Popen:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "frostpage", "--debug", "serve", "--port", str(port), *arguments],
        cwd=site_root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    process.port = port  # type: ignore[attr-defined]
    return process


def debugger_answers(port: int) -> bool:
    """Werkzeug's debugger serves its own files at this URL; the site ignores the query."""
    deadline = time.monotonic() + 20
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/?__debugger__=yes&cmd=resource&f=debugger.js")
            response = connection.getresponse()
            kind = response.getheader("Content-Type", "")
            response.read()
            connection.close()
            return "javascript" in kind
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.parametrize(("host", "debugger"), [("127.0.0.1", True), ("0.0.0.0", False)])
def test_the_debugger_runs_only_on_loopback_even_with_debug(site_root, host, debugger):
    process = serve(site_root, "--host", host)
    try:
        assert debugger_answers(process.port) is debugger
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(
    ("host", "answered"),
    [
        ("127.0.0.1", True),
        ("localhost:5000", True),
        ("[::1]:5000", True),
        ("blog.localhost", True),
        ("192.168.1.4:5000", True),  # an address: no DNS, so no rebinding
        ("attacker.example", False),
        ("attacker.example:5000", False),
        ("127.0.0.1.attacker.example", False),
        ("", False),
    ],
)
def test_the_preview_answers_only_to_its_own_host_names(site_root, host, answered):
    response = Client(LivePreview(site_root)).get("/about/", environ_overrides={"HTTP_HOST": host})
    assert (response.status_code == 200) is answered, (host, response.status_code)
    if not answered:
        assert response.status_code == 403 and b"About us" not in response.data


def test_the_name_the_preview_was_bound_to_is_its_own(site_root):
    preview = LivePreview(site_root, host="my-laptop.lan")
    assert Client(preview).get("/", headers={"Host": "my-laptop.lan:5000"}).status_code == 200
