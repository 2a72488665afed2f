"""The route table: every engine URL is reserved against pages, files and aliases, and the
app, the freezer and the headers all follow it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser
from werkzeug.exceptions import HTTPException

from frostpage import SiteErrors, build, create_app
from frostpage.urls import BY_RULE, ROUTES, UrlSpace, _reserving, reserved, rules

SAMPLES = {
    "path": "x",
    "filename": "css/site.css",
    "name": "diagrams.js",
    "slug": "python",
    "number": "2",
    "year": "2025",
    "version": "0123456789",
    "taxonomy": "categories",  # a site's taxonomies: categories unless it says otherwise
    "lang": "fr",
}
SPACE = UrlSpace(taxonomies=("categories",))


def sample(rule: str) -> str:
    """A URL of a rule: each variable replaced by a sample value."""
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda match: SAMPLES[match.group(1)], rule)


RESERVED = [sample(route.rule) for route in ROUTES if route.reserves and not route.intro]


def test_the_table_reserves_every_engine_url_but_pages():
    assert "/archive/" in RESERVED and "/tags/python/page/2/" in RESERVED
    for url in RESERVED:
        assert reserved(url, SPACE) is not None, url
    assert reserved("/about/") is None and reserved("/posts/hello/") is None
    assert reserved("/posts/42/") is None  # a post's slug, not a year


WORDS = ["posts", "page", "tags", "archive", "fr", "categories", "tag", "feed.xml", "2024"]
WORDS += ["12", "-3", "highlight.0a.css", "highlight-dark.css", "_search", "_diagrams", ""]
WORDS += ["static", "x.json", "é", "404.html", "robots.txt", "search.json", "api", "pages.json"]
WORDS += ["\n", "a\nb", "_search/\n"]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS) | st.text(max_size=4), max_size=5),
    st.booleans(),
    st.sampled_from([SPACE, UrlSpace(taxonomies=("categories", "tag"), languages=("fr",))]),
)
def test_a_url_is_reserved_exactly_when_the_engine_s_url_map_matches_it(parts, slash, space):
    """``reserved`` looks a URL up in the URL map only when a pattern of every reserving
    rule lets it: that pattern must let every URL the map matches."""
    url = "/" + "/".join(parts) + ("/" if slash and parts else "")
    try:
        rule, _ = _reserving(space).bind("site").match(url, return_rule=True)
        expected = BY_RULE[rule.rule]
    except HTTPException:
        expected = None
    assert reserved(url, space) is expected


def test_every_reserving_rule_reserves_its_urls_in_every_language():
    space = UrlSpace(taxonomies=("categories",), languages=("fr",))
    for route in ROUTES:
        for rule in rules(route) if route.reserves else ():
            for url in (sample(rule), sample(rule).rstrip("/") or "/"):
                assert reserved(url, space) is route, url


@pytest.mark.parametrize("url", RESERVED)
def test_no_page_file_or_alias_may_take_an_engine_url(write_site, url):
    name = url.strip("/")
    page = f"content/{name}.md" if url.endswith("/") else None
    files = {"content/moved.md": f'---\ntitle: Moved\naliases: ["{url}"]\n---\nHi.\n'}
    if page:
        files[page] = "# Taken\n"
    else:
        files[f"content/{name}"] = "taken"
    root = write_site(files)
    with pytest.raises(SiteErrors) as caught:
        build(root)
    errors = [str(error).split("\n")[0] for error in caught.value.errors]
    route = reserved(url, SPACE)
    assert any(
        error.startswith("content/moved.md:3: alias '")
        and error.endswith(f"' is reserved for {route.what}")
        for error in errors
    ), errors
    taker = page or f"content/{name}"
    assert any(error.startswith(f"{taker}: its URL ") for error in errors), errors


def test_every_rule_of_the_table_is_registered_with_its_view(site_root):
    app = create_app(site_root, dev=False)
    rules = {(rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()}
    for route in ROUTES:
        assert (route.rule, route.endpoint) in rules, route.rule


def test_a_path_with_a_colon_is_made_absolute_under_the_base_url(tmp_path):
    """``/notes:1/`` is a path of the site, not a URL of the scheme "notes": its absolute
    URL, wherever one is written, is under the base URL."""
    files = {
        "site/config.toml": 'title = "T"\nbase_url = "https://example.org/blog/"\n',
        "content/index.md": "---\ntitle: Home\n---\nHi.\n",
        "content/notes.md": "---\ntitle: Colon\nurl: /notes:1/\n---\nA page.\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, "utf-8")
    build(tmp_path)
    wanted = "https://example.org/blog/notes:1/"
    built = tmp_path / "build"
    assert f"<loc>{wanted}</loc>" in (built / "sitemap.xml").read_text("utf-8")
    page = LexborHTMLParser((built / "notes:1/index.html").read_text("utf-8"))
    assert page.css_first("link[rel=canonical]").attributes["href"] == wanted
    assert page.css_first("meta[property='og:url']").attributes["content"] == wanted
    assert f'"{wanted}"' in (built / "search.json").read_text("utf-8")
    assert '"notes:1/"' not in (built / "api/pages.json").read_text("utf-8")
