"""Fixtures: a tiny site written into tmp_path from inline files, with the default theme."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from frostpage import create_app

REPOSITORY = Path(__file__).resolve().parent.parent

# Tests read the pages as the templates write them: minify = false (test_publishing.py
# checks minified builds, the default).
BASE_CONFIG = """\
title = "Test site"
base_url = "https://example.org/"
author = "Tester"
posts_per_page = 2
minify = false
"""

SAMPLE_FILES = {
    "content/index.md": "---\ntitle: Home\n---\nWelcome. Read [about](about.md).\n",
    "content/about.md": (
        "---\ntitle: About us\n---\n## Team\n\nWe write [docs](docs/intro.md#setup).\n"
    ),
    "content/about/team.md": "# The team\n\nPeople.\n",
    "content/docs/index.md": "---\ntitle: Docs\n---\nSee [intro](intro.md).\n",
    "content/docs/intro.md": (
        "---\ntitle: Intro\nweight: 1\n---\n## Setup\n\n```python\nprint('hi')\n```\n\n"
        "Back [home](../index.md).\n"
    ),
    "content/posts/first.md": (
        "---\ntitle: First post\ndate: 2025-01-10\ntags: [Python, Web Dev]\n---\nHello.\n"
    ),
    "content/posts/second.md": (
        "---\ntitle: Second post\ndate: 2025-02-20\ntags: [Python]\n---\nAgain.\n"
    ),
    "content/posts/secret.md": (
        "---\ntitle: Secret draft\ndate: 2025-03-01\ntags: [Hidden]\ndraft: true\n---\nNot yet.\n"
    ),
}

SiteWriter = Callable[..., Path]
# What frostpage reads from the environment besides FROSTPAGE_*: Netlify's build variables.
NETLIFY_VARIABLES = ("NETLIFY", "CONTEXT", "URL", "DEPLOY_PRIME_URL", "DEPLOY_URL")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts as on an author's machine: none of the variables frostpage reads."""
    for name in list(os.environ):
        if name.startswith("FROSTPAGE_") or name in NETLIFY_VARIABLES:
            monkeypatch.delenv(name)


def copy_theme(root: Path) -> None:
    """The default theme, as `frostpage init` gives it to a new site."""
    from frostpage.starter import copy_theme

    copy_theme(root)


@pytest.fixture
def write_site(tmp_path: Path) -> SiteWriter:
    """Write a site: the default theme, a config, and the given files (path → text).

    ``sample=True`` adds SAMPLE_FILES first; ``files`` may override or add to them, and a
    value of None removes a file.
    """

    def write(
        files: dict[str, str | None] | None = None,
        *,
        sample: bool = True,
        config: str = BASE_CONFIG,
        root: Path | None = None,
    ) -> Path:
        root = root or tmp_path / "site-root"
        copy_theme(root)
        all_files: dict[str, str | None] = {"site/config.toml": config}
        if sample:
            all_files.update(SAMPLE_FILES)
        all_files.update(files or {})
        for name, text in all_files.items():
            path = root / name
            if text is None:
                path.unlink(missing_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, "utf-8")
        (root / "content").mkdir(exist_ok=True)
        return root

    return write


@pytest.fixture
def site_root(write_site: SiteWriter) -> Path:
    return write_site()


@pytest.fixture
def dev_app(site_root: Path) -> Flask:
    return create_app(site_root, dev=True)


@pytest.fixture
def client(dev_app: Flask) -> FlaskClient:
    return dev_app.test_client()


# Debian's Chromium, as the browser tests launch it (never a browser Playwright downloads).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def need(condition: bool, what: str) -> None:
    """Skip a test whose tool is missing, saying which; with CI=true, fail instead."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs {what}")
    pytest.skip(f"{what} is missing")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_server(site_root: Path):
    """`frostpage serve` running on a free port of 127.0.0.1; yields its base URL."""
    import os
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "frostpage", "serve", "--port", str(port)],
        cwd=site_root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(base + "/404.html", timeout=1)
            break
        except urllib.error.HTTPError:
            break  # it answers (a site under a sub-path has no /404.html)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.communicate()[0].decode()
                raise RuntimeError(f"frostpage serve did not start:\n{output}") from None
            time.sleep(0.1)
    yield base
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout:
        process.stdout.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium, driven by Playwright, for the tests of a module."""
    need(os.path.exists(CHROMIUM), "Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
