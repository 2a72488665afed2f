"""`make preview`: the built site answered as Netlify answers it, rule by rule (Netlify's
documentation: Redirects and rewrites, Rewrites and proxies, Custom headers)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPOSITORY
from werkzeug.test import Client

from frostpage import build
from frostpage.cli import main
from frostpage.hosting import load_host

NETLIFY = """\
[[redirects]]
  from = "/blog/*"
  to = "/posts/:splat"
  status = 301

[[redirects]]
  from = "/news/:year/:slug"
  to = "/posts/:slug/"
  status = 302

[[redirects]]
  from = "/latest"
  to = "/posts/second/"
  status = 200

[[redirects]]
  from = "/about/"
  to = "/docs/"
  status = 302

[[redirects]]
  from = "/docs/intro/"
  to = "/about/"
  status = 302
  force = true

[[redirects]]
  from = "/private/*"
  to = "/404.html"
  status = 404

[[redirects]]
  from = "/shop"
  to = "/store"
  conditions = {Country = ["fr"]}

[[headers]]
  for = "/*"
  [headers.values]
    X-Frame-Options = "DENY"

[[headers]]
  for = "/posts/:slug/"
  [headers.values]
    X-Robots-Tag = "noarchive"
"""


@pytest.fixture
def served(write_site) -> tuple[Client, Path]:
    root = write_site(
        {
            "content/posts/second.md": (
                "---\ntitle: Second post\ndate: 2025-02-20\ntags: [Python]\n"
                "aliases: [/2025/second.html, /old/second/]\n---\nAgain.\n"
            ),
            "netlify.toml": NETLIFY,
        }
    )
    build(root)
    return Client(load_host(root / "build", root)), root


def test_aliases_are_forced_redirects_over_their_own_pages(served) -> None:
    client, root = served
    assert (root / "build/old/second/index.html").is_file()  # the alias page is there...
    response = client.get("/old/second/")
    assert response.status_code == 301  # ...and the forced rule wins over it
    assert response.headers["Location"] == "/posts/second/"
    assert client.get("/2025/second.html").headers["Location"] == "/posts/second/"


def test_splats_placeholders_and_rewrites(served) -> None:
    client, _ = served
    splat = client.get("/blog/first/")
    assert (splat.status_code, splat.headers["Location"]) == (301, "/posts/first/")
    placeholders = client.get("/news/2025/second")
    assert (placeholders.status_code, placeholders.headers["Location"]) == (302, "/posts/second/")
    rewrite = client.get("/latest")
    assert rewrite.status_code == 200 and "Location" not in rewrite.headers
    assert "<h1>Second post</h1>" in rewrite.text
    assert client.get("/latest/").status_code == 200  # a rule matches with its slash too


def test_a_file_shadows_a_rule_unless_it_is_forced(served) -> None:
    client, _ = served
    shadowed = client.get("/about/")
    assert shadowed.status_code == 200 and "About us" in shadowed.text
    forced = client.get("/docs/intro/")
    assert (forced.status_code, forced.headers["Location"]) == (302, "/about/")


def test_missing_urls_get_the_not_found_page_with_status_404(served) -> None:
    client, root = served
    missing = client.get("/nowhere/")
    assert missing.status_code == 404
    assert missing.data == (root / "build/404.html").read_bytes()
    # Nothing outside build/ is served, however the path is written.
    for outside in ("/%2e%2e/site/config.toml", "/..%2fsite/config.toml"):
        assert client.get(outside).status_code == 404, outside
    private = client.get("/private/notes/")
    assert private.status_code == 404 and private.data == missing.data


def test_a_folder_url_without_its_slash_is_sent_to_it(served) -> None:
    client, _ = served
    response = client.get("/posts/first")
    assert (response.status_code, response.headers["Location"]) == (301, "/posts/first/")
    assert client.get("/posts/first/index.html").status_code == 200


def test_headers_of_every_matching_rule_are_sent(served) -> None:
    client, root = served
    page = client.get("/posts/first/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Robots-Tag"] == "noarchive"
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    feed = client.get("/feed.xml")
    assert feed.headers["Access-Control-Allow-Origin"] == "*"  # build/_headers
    assert "X-Robots-Tag" not in client.get("/about/").headers
    stylesheet = next((root / "build/static/css").glob("site.*.css")).name
    asset = client.get(f"/static/css/{stylesheet}")
    assert "immutable" in asset.headers["Cache-Control"]
    assert asset.headers["Content-Type"] == "text/css; charset=utf-8"
    assert "Access-Control-Allow-Origin" not in client.get("/about/").headers


def test_rules_it_cannot_emulate_are_named(served) -> None:
    _, root = served
    host = load_host(root / "build", root)
    assert host.not_previewed == ["netlify.toml: [[redirects]] number 7 (/shop)"]


def test_netlify_keeps_the_cache_and_the_last_build_between_deploys() -> None:
    netlify = tomllib.loads((REPOSITORY / "netlify.toml").read_text("utf-8"))
    (plugin,) = [p for p in netlify["plugins"] if p["package"] == "netlify-plugin-cache"]
    assert set(plugin["inputs"]["paths"]) == {".frostpage-cache", netlify["build"]["publish"]}


def test_the_preview_needs_a_build(write_site) -> None:
    root = write_site()
    result = CliRunner().invoke(main, ["--root", str(root), "preview"])
    assert result.exit_code == 1
    assert "build/: holds no built site" in result.stderr


def test_fingerprinted_files_get_one_cache_lifetime_with_the_projects_netlify_toml(
    write_site,
) -> None:
    # Netlify joins the values of a header that several matching rules give: a second
    # Cache-Control on /* would contradict the year-long one of build/_headers.
    root = write_site({"netlify.toml": (REPOSITORY / "netlify.toml").read_text("utf-8")})
    build(root)
    client = Client(load_host(root / "build", root))
    stylesheet = next((root / "build/static/css").glob("site.*.css")).name
    asset = client.get(f"/static/css/{stylesheet}")
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    page = client.get("/posts/first/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "Cache-Control" not in page.headers  # Netlify's own: revalidated every time
