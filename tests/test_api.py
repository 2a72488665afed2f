"""The static API: /api/pages.json and /search.json, with CORS like netlify.toml."""

from __future__ import annotations

import json
import tomllib

from conftest import REPOSITORY

from frostpage import build


def test_pages_api_lists_every_published_page(site_root):
    build(site_root)
    pages = json.loads((site_root / "build/api/pages.json").read_text("utf-8"))["pages"]
    by_url = {page["url"]: page for page in pages}
    assert "https://example.org/posts/secret/" not in by_url
    first = by_url["https://example.org/posts/first/"]
    assert first == {
        "title": "First post",
        "url": "https://example.org/posts/first/",
        "kind": "post",
        "date": "2025-01-10T00:00:00+00:00",
        "updated": None,
        "tags": ["Python", "Web Dev"],
        "summary": "Hello.",
    }
    assert by_url["https://example.org/about/"]["kind"] == "page"


def test_search_index_is_compact_and_holds_the_text(site_root):
    build(site_root)
    raw = (site_root / "build/search.json").read_text("utf-8")
    assert "\n" not in raw.strip()
    entries = {entry["u"]: entry for entry in json.loads(raw)}
    intro = entries["https://example.org/docs/intro/"]
    assert intro["t"] == "Intro" and "print('hi')" in intro["x"]


def test_cors_on_api_and_feeds_in_the_preview_and_on_netlify(client):
    for path in (
        "/api/pages.json",
        "/search.json",
        "/feed.xml",
        "/feed.json",
        "/tags/python/feed.xml",
    ):
        assert client.get(path).headers.get("Access-Control-Allow-Origin") == "*", path
    assert "Access-Control-Allow-Origin" not in client.get("/about/").headers
    netlify = tomllib.loads((REPOSITORY / "netlify.toml").read_text("utf-8"))
    cors = {
        rule["for"]
        for rule in netlify["headers"]
        if rule["values"].get("Access-Control-Allow-Origin") == "*"
    }
    assert {"/api/*", "/search.json", "/feed.xml", "/feed.json", "/tags/*"} <= cors
