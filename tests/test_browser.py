"""The live preview in a real browser: Debian's Chromium, driven by Playwright.

Outside CI the test is skipped when Chromium is missing; with CI=true it must run.
"""

from __future__ import annotations

import os

import pytest
from conftest import CHROMIUM, CHROMIUM_FLAGS, need

TIMEOUT_MS = 10_000


@pytest.fixture
def browser_page():
    need(os.path.exists(CHROMIUM), "Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        yield page
        browser.close()


def test_the_page_follows_every_save(live_server, site_root, browser_page):
    page = browser_page
    source = site_root / "content/about/team.md"
    page.goto(f"{live_server}/about/team/")
    page.wait_for_function("window.frostpageLive && window.frostpageLive.readyState === 1")
    assert "People." in page.inner_text("main")

    # An edit appears with no reload asked for.
    source.write_text("# The team\n\nLive edit works.\n", "utf-8")
    page.wait_for_selector("text=Live edit works.")

    # A broken front matter shows the overlay with the file and the line.
    source.write_text("---\ntitle: [oops\n---\nBroken.\n", "utf-8")
    overlay = page.wait_for_selector("#frostpage-overlay")
    assert "content/about/team.md:2: invalid YAML in front matter" in overlay.inner_text()

    # Fixed: the overlay goes and the page comes back by itself.
    source.write_text("# The team\n\nFixed again.\n", "utf-8")
    page.wait_for_selector("text=Fixed again.")
    assert page.query_selector("#frostpage-overlay") is None
    page.wait_for_function("window.frostpageLive && window.frostpageLive.readyState === 1")

    # A stylesheet edit is swapped in place: the new style, and no reload.
    page.evaluate("window.notReloaded = true")
    stylesheet = site_root / "static/css/site.css"
    stylesheet.write_text(
        stylesheet.read_text("utf-8") + "\nbody { background-color: rgb(1, 2, 3); }\n", "utf-8"
    )
    page.wait_for_function("getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'")
    assert page.evaluate("window.notReloaded") is True


def test_a_new_post_appears_in_the_open_list(live_server, site_root, browser_page):
    page = browser_page
    page.goto(f"{live_server}/tags/python/")
    page.wait_for_function("window.frostpageLive && window.frostpageLive.readyState === 1")
    assert "A fresh post" not in page.inner_text("main")
    (site_root / "content/posts/fresh.md").write_text(
        "---\ntitle: A fresh post\ndate: 2030-01-01\ntags: [Python]\n---\nNew.\n", "utf-8"
    )
    page.wait_for_selector("text=A fresh post")
    assert "A fresh post" in page.inner_text("main")


@pytest.mark.parametrize(
    ("name", "broken", "shown"),
    [
        (
            "content/about/team.md",
            "---\ndate: 2024-13-45\n---\nOops.\n",
            "content/about/team.md:2: 'date' is not a date: '2024-13-45'",
        ),
        (
            "content/about/team.md",
            "# The team\n\n" + "".join("    " * depth + "- item\n" for depth in range(400)),
            "content/about/team.md:402: the Markdown is nested too deeply to render",
        ),
        ("site/hooks.py", "url_generators = 5\n", "site/hooks.py:1: 'url_generators' must be"),
    ],
)
def test_the_preview_survives_any_save_and_recovers(
    live_server, site_root, browser_page, name, broken, shown
):
    page = browser_page
    source = site_root / name
    page.goto(f"{live_server}/about/team/")
    page.wait_for_function("window.frostpageLive && window.frostpageLive.readyState === 1")
    source.write_text(broken, "utf-8")
    page.wait_for_function(
        "text => document.body && document.body.innerText.includes(text)",
        arg=shown,
        timeout=TIMEOUT_MS,
    )
    assert shown in page.inner_text("body")
    # Fixed: the page comes back with no restart, so the watcher is still following saves.
    fixed = "# The team\n\nBack again.\n" if name.endswith(".md") else "\n"
    source.write_text(fixed, "utf-8")
    page.wait_for_function(
        "document.body.innerText.includes('People') || "
        "document.body.innerText.includes('Back again')"
    )
    (site_root / "content/about/team.md").write_text("# The team\n\nLater edit.\n", "utf-8")
    page.wait_for_selector("text=Later edit.")
    assert "Later edit." in page.inner_text("main")
