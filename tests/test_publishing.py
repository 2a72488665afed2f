"""Publishing a blog: feeds, sitemap, pagination, archives, aliases, SEO and assets."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as etree
from urllib.parse import quote

import feedparser
import pytest
from sitecheck import parse, unresolved_links

from frostpage import SiteErrors, build, create_app

TRICKY_TITLE = 'Fish & Chips <b>"quoted"</b> 🐟'
TRICKY_POST = (
    "---\n"
    "title: 'Fish & Chips <b>\"quoted\"</b> 🐟'\n"
    "date: 2025-04-01T10:00:00+02:00\n"
    "updated: 2025-04-03\n"
    'tags: ["R&D", "<script>", Émoji 🎉]\n'
    "---\n"
    "Text with [a relative link](../first/) & an <em>emphasis</em> and 5 < 6.\n\n"
    "![logo](/static/logo.png)\n"
)
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def post(number: int, year: int = 2024, tags: str = "[Python]") -> str:
    return f"---\ntitle: Post {number}\ndate: {year}-01-{number:02d}\ntags: {tags}\n---\nBody {number}.\n"


@pytest.fixture
def blog(write_site):
    files = {f"content/posts/post-{n}.md": post(n, 2024 if n < 4 else 2025) for n in range(1, 6)}
    files["content/posts/tricky.md"] = TRICKY_POST
    files["static/logo.png"] = "not really a png"
    return write_site(files)


def test_atom_and_json_feeds_parse_and_escape_everything(blog):
    build(blog)
    atom = feedparser.parse((blog / "build/feed.xml").read_bytes())
    assert not atom.bozo, atom.get("bozo_exception")
    entry = atom.entries[0]
    assert entry.title == TRICKY_TITLE
    assert entry.link == "https://example.org/posts/tricky/"
    assert {tag.term for tag in entry.tags} == {"R&D", "<script>", "Émoji 🎉"}
    content = entry.content[0].value
    assert 'href="https://example.org/posts/first/"' in content
    assert 'src="https://example.org/static/logo.png"' in content
    assert "5 &lt; 6" in content
    assert entry.updated.startswith("2025-04-03")
    assert [e.title for e in atom.entries[1:4]] == ["Second post", "First post", "Post 5"]

    # feedparser reads no JSON Feed: check the JSON Feed 1.1 rules themselves.
    document = json.loads((blog / "build/feed.json").read_text("utf-8"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] == "Test site"
    assert document["feed_url"] == "https://example.org/feed.json"
    for item in document["items"]:
        assert item["id"] and item["url"].startswith("https://example.org/posts/")
        assert "content_html" in item
        dt.datetime.fromisoformat(item["date_published"])
    item = document["items"][0]
    assert item["title"] == TRICKY_TITLE
    assert item["tags"] == ["R&D", "<script>", "Émoji 🎉"]
    assert item["date_published"] == "2025-04-01T10:00:00+02:00"
    assert "Secret draft" not in (blog / "build/feed.json").read_text("utf-8")


def test_a_feed_per_tag(blog):
    build(blog)
    feed = feedparser.parse((blog / "build/tags/r-d/feed.xml").read_bytes())
    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == [TRICKY_TITLE]
    assert (blog / "build/tags/r-d/feed.json").is_file()


def test_every_page_links_its_feeds_and_has_seo_tags(blog):
    build(blog)
    html = (blog / "build/posts/tricky/index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://example.org/posts/tricky/">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:url" content="https://example.org/posts/tricky/">' in html
    assert (
        "<title>Fish &amp; Chips &lt;b&gt;&#34;quoted&#34;&lt;/b&gt; 🐟 · Test site</title>" in html
    )
    assert 'type="application/atom+xml"' in html and 'href="/feed.xml"' in html
    assert 'href="/feed.json"' in html
    assert '<meta name="description" content="Text with a relative link &amp; an emphasis' in html
    assert '<time datetime="2025-04-01T10:00:00+02:00">April 1, 2025</time>' in html
    assert "updated <time" in html
    assert "1 min read" in html


def test_sitemap_lists_every_page_with_dates_and_robots_points_to_it(blog):
    build(blog)
    root = etree.parse(blog / "build/sitemap.xml").getroot()
    entries = {
        url.find(f"{SITEMAP_NS}loc").text: getattr(url.find(f"{SITEMAP_NS}lastmod"), "text", None)
        for url in root
    }
    built_pages = {
        "https://example.org/"
        + quote(path.relative_to(blog / "build").as_posix().removesuffix("index.html"))
        for path in (blog / "build").rglob("*.html")
        if path.name != "404.html"
    }
    assert set(entries) == built_pages
    assert entries["https://example.org/posts/tricky/"] == "2025-04-03"
    assert entries["https://example.org/posts/post-1/"] == "2024-01-01"
    robots = (blog / "build/robots.txt").read_text("utf-8")
    assert "Sitemap: https://example.org/sitemap.xml" in robots


def test_pagination_has_no_empty_or_missing_page(blog):
    build(blog)
    out = blog / "build"
    # 8 published posts, 2 per page: /posts/ and pages 2 to 4.
    assert (out / "posts/index.html").is_file()
    for number in (2, 3, 4):
        assert (out / f"posts/page/{number}/index.html").is_file()
    assert not (out / "posts/page/5").exists()
    assert not (out / "posts/page/1").exists()
    titles = []
    for path in ["posts/index.html"] + [f"posts/page/{n}/index.html" for n in (2, 3, 4)]:
        text = (out / path).read_text("utf-8")
        page_titles = [
            t
            for t in (
                "Fish",
                "Post 5",
                "Post 4",
                "Second post",
                "First post",
                "Post 3",
                "Post 2",
                "Post 1",
            )
            if f">{t}" in text
        ]
        assert len(page_titles) == 2, (path, page_titles)
        titles += page_titles
    assert len(set(titles)) == 8
    second = parse(out / "posts/page/2/index.html").links
    assert "/posts/" in second and "/posts/page/3/" in second
    assert (out / "tags/python/page/2/index.html").is_file()
    assert not (out / "tags/python/page/5").exists()


def test_pagination_urls_out_of_range_are_404_in_the_preview(blog):
    client = create_app(blog, dev=True).test_client()
    assert client.get("/posts/page/2/").status_code == 200
    assert client.get("/posts/page/99/").status_code == 404
    assert client.get("/posts/page/0/").status_code == 404


def test_archive_by_year_with_counts(blog):
    build(blog)
    archive = (blog / "build/archive/index.html").read_text("utf-8")
    assert 'href="/posts/2025/"' in archive and 'href="/posts/2024/"' in archive
    assert "5 posts" in archive  # 2025: posts 4 and 5, tricky, and the sample's two
    assert "3 posts" in archive
    year = (blog / "build/posts/2024/index.html").read_text("utf-8")
    assert "Post 1" in year and "Post 5" not in year


def test_future_posts_are_built_only_when_asked(write_site, monkeypatch):
    root = write_site(
        {"content/posts/later.md": "---\ntitle: From the future\ndate: 2999-01-01\n---\nSoon.\n"}
    )
    preview = create_app(root, dev=True).test_client().get("/posts/later/")
    assert preview.status_code == 200 and "Scheduled" in preview.text
    build(root)
    assert not (root / "build/posts/later").exists()
    assert "From the future" not in (root / "build/feed.xml").read_text("utf-8")
    monkeypatch.setenv("FROSTPAGE_FUTURE", "1")
    build(root)
    assert (root / "build/posts/later/index.html").is_file()


def test_aliases_write_redirect_pages_and_netlify_rules(write_site):
    root = write_site(
        {
            "content/about.md": "---\ntitle: About\naliases: [/old-about/, /legacy/about.html]\n---\nHi.\n"
        }
    )
    build(root)
    out = root / "build"
    page = (out / "old-about/index.html").read_text("utf-8")
    assert '<meta http-equiv="refresh" content="0; url=https://example.org/about/">' in page
    assert '<link rel="canonical" href="https://example.org/about/">' in page
    assert '<a href="https://example.org/about/">About</a>' in page
    assert (out / "legacy/about.html").is_file()
    assert (out / "_redirects").read_text("utf-8") == (
        "/legacy/about.html /about/ 301!\n/old-about/ /about/ 301!\n"
    )


def test_an_alias_that_hits_a_page_is_an_error_naming_both(write_site):
    root = write_site({"content/docs/intro.md": "---\ntitle: Intro\naliases: [/about/]\n---\n"})
    with pytest.raises(SiteErrors) as caught:
        build(root)
    assert [str(error) for error in caught.value.errors] == [
        "content/docs/intro.md:3: alias '/about/' is also the URL of content/about.md"
    ]


def test_assets_are_fingerprinted_in_the_build_and_plain_in_the_preview(site_root):
    build(site_root)
    out = site_root / "build"
    css_links = [link for link in parse(out / "index.html").links if link.endswith(".css")]
    fingerprinted = next(link for link in css_links if link.startswith("/static/css/site."))
    assert fingerprinted != "/static/css/site.css"
    assert (out / fingerprinted.lstrip("/")).read_bytes() == (
        site_root / "static/css/site.css"
    ).read_bytes()
    assert (out / "static/css/site.css").is_file()
    assert f"{fingerprinted}\n  Cache-Control: public, max-age=31536000, immutable" in (
        out / "_headers"
    ).read_text("utf-8")
    client = create_app(site_root, dev=True).test_client()
    assert 'href="/static/css/site.css"' in client.get("/").text
    with client.get(fingerprinted) as response:
        assert response.status_code == 200
    assert client.get("/static/css/site.0123456789.css").status_code == 404


def test_a_site_under_a_sub_path_has_no_link_without_the_prefix(write_site):
    config = 'title = "Sub"\nbase_url = "https://example.org/blog/"\n[[nav]]\ntitle = "Docs"\nurl = "/docs/"\n'
    root = write_site(
        {
            "content/about.md": "---\ntitle: About\naliases: [/old/]\n---\nSee [home](/) and [docs](docs/index.md).\n"
        },
        config=config,
    )
    build(root)
    out = root / "build"
    assert unresolved_links(out, "https://example.org/blog/") == []
    for html_file in out.rglob("*.html"):
        for link in parse(html_file).links:
            assert not link.startswith("/") or link.startswith("/blog/"), (html_file, link)
    for name in ("feed.xml", "feed.json", "sitemap.xml"):
        text = (out / name).read_text("utf-8")
        assert "https://example.org/" in text
        assert text.count("https://example.org/") == text.count("https://example.org/blog/"), name
    assert (out / "_redirects").read_text("utf-8") == "/blog/old/ /blog/about/ 301!\n"


def test_netlify_preview_builds_with_the_deploy_url(site_root, monkeypatch):
    monkeypatch.setenv("NETLIFY", "true")
    monkeypatch.setenv("CONTEXT", "deploy-preview")
    monkeypatch.setenv("DEPLOY_PRIME_URL", "https://deploy-preview-7--site.netlify.app")
    build(site_root)
    html = (site_root / "build/about/index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://deploy-preview-7--site.netlify.app/about/">' in html


def test_summary_from_more_marker_and_front_matter(write_site):
    root = write_site(
        {
            "content/posts/more.md": "---\ntitle: More\ndate: 2025-05-01\n---\nTeaser.\n\n<!-- more -->\n\nRest.\n",
            "content/posts/given.md": "---\ntitle: Given\ndate: 2025-05-02\nsummary: From front matter.\n---\nBody.\n",
        }
    )
    build(root)
    listing = (root / "build/posts/index.html").read_text("utf-8")
    assert "From front matter." in listing and "Teaser." in listing and "Rest." not in listing


def test_image_in_front_matter_is_the_social_preview(write_site):
    root = write_site(
        {
            "content/posts/cover.md": "---\ntitle: Cover\ndate: 2025-03-01\nimage: img/cover one.png\n---\nBody.\n",
            "content/posts/img/cover one.png": "png bytes",
            "content/docs/remote.md": "---\ntitle: Remote\nimage: https://cdn.example.net/a.png\n---\n",
        }
    )
    build(root)
    out = root / "build"
    html = (out / "posts/cover/index.html").read_text("utf-8")
    (image,) = (out / "posts/img").iterdir()  # fingerprinted, as images beside pages are
    assert image.read_text("utf-8") == "png bytes"
    url = "https://example.org/posts/img/" + image.name.replace(" ", "%20")
    assert f'<meta property="og:image" content="{url}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    remote = (out / "docs/remote/index.html").read_text("utf-8")
    assert '<meta property="og:image" content="https://cdn.example.net/a.png">' in remote
    plain = (out / "about/index.html").read_text("utf-8")
    assert "og:image" not in plain
    assert '<meta name="twitter:card" content="summary">' in plain


def test_an_image_that_is_not_there_is_an_error_with_its_line(write_site):
    root = write_site(
        {
            "content/posts/cover.md": "---\ntitle: Cover\ndate: 2025-03-01\nimage: img/cover.jpg\n---\n",
            "content/posts/img/cover.png": "png bytes",
        }
    )
    with pytest.raises(SiteErrors) as caught:
        build(root)
    assert [str(error) for error in caught.value.errors] == [
        "content/posts/cover.md:4: image 'img/cover.jpg' not found: no file "
        "content/posts/img/cover.jpg\n  hint: did you mean content/posts/img/cover.png?"
    ]


def test_web_manifest_favicon_and_theme_colour(write_site):
    root = write_site(
        config='title = "Sub & Co"\nbase_url = "https://example.org/blog/"\nminify = false\n'
    )
    build(root)
    out = root / "build"
    manifest = json.loads((out / "manifest.webmanifest").read_text("utf-8"))
    assert manifest["name"] == "Sub & Co"
    assert manifest["start_url"] == "/blog/"
    icon = manifest["icons"][0]["src"]
    assert icon.startswith("/blog/static/favicon.") and icon.endswith(".svg")
    assert (out / icon.removeprefix("/blog/")).is_file()
    html = (out / "index.html").read_text("utf-8")
    assert f'<link rel="icon" href="{icon}" type="image/svg+xml">' in html
    assert '<link rel="manifest" href="/blog/manifest.webmanifest">' in html
    assert (
        '<meta name="theme-color" content="#0f1419" media="(prefers-color-scheme: dark)">' in html
    )
    client = create_app(root, dev=True).test_client()
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"


def test_every_page_has_a_meta_description_even_without_one_in_the_config(write_site):
    root = write_site(
        config='title = "Bare"\ndescription = ""\nbase_url = "https://example.org/"\n'
        "minify = false\n"
    )
    build(root)
    out = root / "build"
    home = (out / "index.html").read_text("utf-8")
    assert '<meta name="description" content="Welcome. Read about.">' in home
    assert '<meta name="description" content="Bare">' in (out / "404.html").read_text("utf-8")


def test_the_sitemap_text_reads_back_as_the_urls_it_was_given():
    """The sitemap is written as text: every character XML must escape, in a URL or a
    version's link, reads back as it was, and a character no XML may hold is left out."""
    from frostpage.feeds import SITEMAP, XHTML, sitemap

    odd = "https://example.org/a&b<c>\"d'e\tf\r\ng\x01h/é/"
    day = dt.datetime(2025, 3, 4, tzinfo=dt.UTC)
    written = sitemap([(odd, day, [("en", odd), ("fr", odd + "fr/")]), ("https://x/", None, [])])
    root = etree.fromstring(written)
    first, second = root.findall(f"{{{SITEMAP}}}url")
    assert first.findtext(f"{{{SITEMAP}}}loc") == odd.replace("\x01", "").replace("\r\n", "\n")
    assert first.findtext(f"{{{SITEMAP}}}lastmod") == "2025-03-04"
    links = [(link.get("hreflang"), link.get("href")) for link in first.iter(f"{{{XHTML}}}link")]
    assert links == [("en", odd.replace("\x01", "")), ("fr", odd.replace("\x01", "") + "fr/")]
    assert second.findtext(f"{{{SITEMAP}}}loc") == "https://x/"
    assert second.find(f"{{{SITEMAP}}}lastmod") is None
    assert b"xmlns:xhtml" not in sitemap([("https://x/", None, [])])
