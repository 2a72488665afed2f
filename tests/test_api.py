"""The static API: /api/pages.json and /search.json, readable by other sites as the route table says."""

from __future__ import annotations

import json
import tomllib

from conftest import REPOSITORY

from frostpage import build, create_app


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


def test_search_json_is_compact_with_summaries_not_the_whole_text(site_root):
    build(site_root)
    raw = (site_root / "build/search.json").read_text("utf-8")
    assert "\n" not in raw.strip()
    entries = {entry["u"]: entry for entry in json.loads(raw)}
    intro = entries["https://example.org/docs/intro/"]
    assert set(intro) == {"t", "u", "s", "g"}
    assert intro["t"] == "Intro" and "print('hi')" not in raw


SHARED = ("/api/pages.json", "/search.json", "/feed.xml", "/feed.json", "/tags/python/feed.xml")


def test_the_build_lets_other_sites_read_the_api_and_feeds_and_nothing_else(site_root):
    build(site_root)
    headers = (site_root / "build/_headers").read_text("utf-8")
    for path in SHARED:
        assert f"{path}\n  Access-Control-Allow-Origin: *\n" in headers, path
    # and the python tag's JSON and RSS feeds, the three feeds of the web-dev tag, the RSS
    assert headers.count("Access-Control-Allow-Origin") == len(SHARED) + 6
    assert "/about/" not in headers and "/tags/python/\n" not in headers
    # One home: netlify.toml does not send the header too (on HTML pages of /tags/, say).
    netlify = tomllib.loads((REPOSITORY / "netlify.toml").read_text("utf-8"))
    assert not [
        rule for rule in netlify["headers"] if "Access-Control-Allow-Origin" in rule["values"]
    ]


def test_the_preview_shares_what_the_build_shares_but_never_drafts(write_site):
    with_draft = create_app(write_site(), dev=True).test_client()
    for path in SHARED:
        response = with_draft.get(path)
        assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers
    published = create_app(write_site({"content/posts/secret.md": None}), dev=True)
    client = published.test_client()
    for path in SHARED:
        assert client.get(path).headers.get("Access-Control-Allow-Origin") == "*", path
    assert "Access-Control-Allow-Origin" not in client.get("/about/").headers
