"""Feeds and metadata of a published site: RSS 2.0 beside Atom and JSON Feed, schema.org's
JSON-LD, complete Twitter/X cards, a <lastmod> for every sitemap URL, related posts."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import xml.etree.ElementTree as etree
from pathlib import Path

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from frostpage import build
from frostpage.config import Settings
from frostpage.markup import Renderer
from frostpage.model import build_site
from frostpage.page import parse_page

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
POSTS = {
    "content/posts/third.md": (
        "---\ntitle: Third post\ndate: 2025-03-05\ntags: [Python, Web Dev]\n"
        "categories: [notes]\nimage: https://example.org/cover.png\n---\nMore.\n"
    ),
    "content/posts/fourth.md": (
        "---\ntitle: Fourth post\ndate: 2025-04-01\ntags: [Cooking]\n---\nSoup.\n"
    ),
}
# What schema.org's types need to be of use to search engines (Google's required and
# recommended properties for each).
REQUIRED = {
    "BlogPosting": {"headline", "datePublished", "dateModified", "author", "url"},
    "WebSite": {"name", "url"},
    "BreadcrumbList": {"itemListElement"},
}


@pytest.fixture
def built(write_site) -> Path:
    root = write_site(POSTS)
    build(root)
    return root / "build"


def html(built: Path, url: str) -> LexborHTMLParser:
    return LexborHTMLParser((built / url.strip("/") / "index.html").read_text("utf-8"))


def json_ld(tree: LexborHTMLParser) -> list[dict]:
    """The schema.org objects of a page, checked for their required properties."""
    found = []
    for script in tree.css('script[type="application/ld+json"]'):
        document = json.loads(script.text())
        assert document["@context"] == "https://schema.org"
        found += document.get("@graph", [document])
    for thing in found:
        assert REQUIRED[thing["@type"]] <= set(thing), thing
    return found


def test_rss_sits_beside_atom_and_json_feed_for_the_site_tags_and_terms(built: Path) -> None:
    for name in ["rss.xml", "tags/python/rss.xml", "categories/notes/rss.xml"]:
        feed = feedparser.parse((built / name).read_bytes())
        assert not feed.bozo, name
        assert feed.version == "rss20", name
    site = feedparser.parse((built / "rss.xml").read_bytes())
    assert [entry.title for entry in site.entries] == [
        "Fourth post",
        "Third post",
        "Second post",
        "First post",
    ]
    third = site.entries[1]
    assert third.link == "https://example.org/posts/third/"
    assert third.id == third.link
    assert third.published_parsed[:3] == (2025, 3, 5)
    assert [tag.term for tag in third.tags] == ["Python", "Web Dev"]
    assert third.content[0].value == "<p>More.</p>"
    assert site.feed.link == "https://example.org/"
    tag = feedparser.parse((built / "tags/python/rss.xml").read_bytes())
    assert [entry.title for entry in tag.entries] == ["Third post", "Second post", "First post"]
    head = html(built, "/").css('link[type="application/rss+xml"]')
    assert [link.attributes["href"] for link in head] == ["/rss.xml"]
    assert html(built, "/tags/python/").css_first('link[href="/tags/python/rss.xml"]')


def test_json_ld_describes_posts_the_website_and_breadcrumbs(built: Path) -> None:
    (post,) = json_ld(html(built, "/posts/third/"))
    assert post["@type"] == "BlogPosting"
    assert post["headline"] == "Third post"
    assert post["datePublished"].startswith("2025-03-05")
    assert post["author"] == {"@type": "Person", "name": "Tester"}
    assert post["image"] == ["https://example.org/cover.png"]
    assert post["keywords"] == ["Python", "Web Dev"]
    (website,) = json_ld(html(built, "/"))
    assert website["@type"] == "WebSite" and website["url"] == "https://example.org/"
    (trail,) = json_ld(html(built, "/docs/intro/"))
    assert trail["@type"] == "BreadcrumbList"
    items = trail["itemListElement"]
    assert [(item["position"], item["name"]) for item in items] == [
        (1, "Home"),
        (2, "Docs"),
        (3, "Intro"),
    ]
    assert items[-1]["item"] == "https://example.org/docs/intro/"
    assert json_ld(html(built, "/tags/python/")) == []  # a list has none of them


def test_twitter_cards_are_complete(built: Path) -> None:
    def meta(url: str) -> dict[str, str]:
        return {
            node.attributes["name"]: node.attributes["content"]
            for node in html(built, url).css('meta[name^="twitter:"]')
        }

    assert meta("/posts/third/") == {
        "twitter:card": "summary_large_image",
        "twitter:image": "https://example.org/cover.png",
        "twitter:title": "Third post · Test site",
        "twitter:description": "More.",
    }
    assert meta("/about/")["twitter:card"] == "summary"
    assert meta("/about/")["twitter:title"] == "About us · Test site"


def test_every_sitemap_url_has_a_lastmod_from_its_date_its_commit_or_its_file(
    write_site,
) -> None:
    root = write_site(POSTS)
    environment = {**os.environ, "GIT_AUTHOR_DATE": "2024-05-06T07:08:09Z"}
    environment["GIT_COMMITTER_DATE"] = environment["GIT_AUTHOR_DATE"]
    for command in (
        ["init", "-q"],
        ["add", "content"],
        ["-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "pages"],
    ):
        subprocess.run(["git", "-C", str(root), *command], check=True, env=environment)
    edited = root / "content/docs/intro.md"
    edited.write_text(edited.read_text("utf-8") + "\nMore.\n", "utf-8")
    os.utime(edited, (1735689600, 1735689600))  # 2025-01-01, not committed
    build(root)
    document = etree.fromstring((root / "build/sitemap.xml").read_bytes())
    dates = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in document.findall(f"{SITEMAP}url")
    }
    assert all(dates.values()), [url for url, date in dates.items() if not date]
    assert dates["https://example.org/about/"] == "2024-05-06"  # its commit
    assert dates["https://example.org/docs/intro/"] == "2025-01-01"  # edited since
    assert dates["https://example.org/posts/third/"] == "2025-03-05"  # its own date
    assert dates["https://example.org/tags/python/"] == "2025-03-05"  # its newest post


def test_related_posts_share_tags_and_are_the_same_on_every_build(write_site) -> None:
    root = write_site(POSTS)
    build(root)

    def related(url: str) -> list[str]:
        return [a.text() for a in html(root / "build", url).css(".related a")]

    # First shares Python and Web Dev with Third, Python with Second.
    assert related("/posts/first/") == ["Third post", "Second post"]
    assert related("/posts/third/") == ["First post", "Second post"]
    assert related("/posts/fourth/") == []  # no tag in common: no list
    before = (root / "build/posts/first/index.html").read_bytes()
    build(root, full=True)
    assert (root / "build/posts/first/index.html").read_bytes() == before
    assert html(root / "build", "/posts/first/").css_first("#related-posts")


def test_the_sitemap_dates_need_no_git(write_site, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "")  # no git on the machine: the files' times
    root = write_site(POSTS)
    os.utime(root / "content/about.md", (1700000000, 1700000000))
    build(root)
    text = (root / "build/sitemap.xml").read_text("utf-8")
    day = dt.datetime.fromtimestamp(1700000000, dt.UTC).date().isoformat()
    assert f"<loc>https://example.org/about/</loc>\n    <lastmod>{day}</lastmod>" in text


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sets(st.sampled_from(["a", "b", "c", "d", "e", "f"]), max_size=4),
            st.sets(st.sampled_from(["news", "notes", "essays"]), max_size=2),
        ),
        min_size=1,
        max_size=25,
    ),
    st.integers(min_value=1, max_value=6),
)
def test_related_posts_are_those_sharing_most_groups_then_the_newest(posts, count) -> None:
    """The definition, counted the long way, against the site model's quick one."""
    config = Settings(taxonomies=["categories"])
    pages = [
        parse_page(
            f"---\ntitle: Post {n}\ndate: 2025-01-{n + 1:02d}\ntags: [{', '.join(sorted(tags))}]\n"
            f"categories: [{', '.join(sorted(categories))}]\n---\nText.\n",
            f"posts/p{n}.md",
            config,
        )
        for n, (tags, categories) in enumerate(posts)
    ]
    site = build_site(pages, config, Renderer(config.markdown), include_drafts=False)
    groups = {
        page.source: [{tag.slug} for tag in site.tags_of(page)]
        + [{f"c:{term.slug}"} for term in site.terms_of(page, "categories")]
        for page in site.posts
    }
    for post in site.posts:
        mine = {name for group in groups[post.source] for name in group}
        shared = {
            other.source: len(mine & {n for g in groups[other.source] for n in g})
            for other in site.posts
            if other is not post
        }
        expected = sorted(
            (other for other in site.posts if shared.get(other.source)),
            key=lambda other: (-shared[other.source], site.posts.index(other)),
        )[:count]
        assert site.related(post, count) == expected
