"""The link check: read as a browser reads HTML, every broken link named at its source."""

from __future__ import annotations

import os
import unicodedata

import pytest

from frostpage import SiteErrors, build
from frostpage.links import check_links


def broken(folder, files: dict[str, str], base_url: str = "https://example.org/") -> list[str]:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    found, _ = check_links(folder, base_url)
    return [f"{link.file}: {link.target}: {link.reason}" for link in found]


def test_uppercase_tags_and_attributes_are_links(tmp_path):
    assert broken(tmp_path, {"index.html": '<A HREF="/gone/">x</A><IMG SRC="/no.png">'}) == [
        "index.html: /gone/: points to no file",
        "index.html: /no.png: points to no file",
    ]


def test_a_link_after_an_attribute_holding_a_closing_bracket_is_seen(tmp_path):
    page = '<a title="a > b" href="/gone/">x</a><a data-x=\'>\' href="/also-gone/">y</a>'
    assert broken(tmp_path, {"index.html": page}) == [
        "index.html: /gone/: points to no file",
        "index.html: /also-gone/: points to no file",
    ]


def test_every_candidate_of_a_srcset_and_other_linking_attributes(tmp_path):
    page = (
        '<img srcset="/a.png 1x, /b.png 2x" src="/a.png">'
        '<link rel="stylesheet" href="/missing.css"><link rel="preconnect" href="https://cdn.x/">'
        '<form action="/search/"></form><video poster="/poster.jpg"></video>'
    )
    assert broken(tmp_path, {"index.html": page, "a.png": ""}) == [
        "index.html: /b.png: points to no file",
        "index.html: /missing.css: points to no file",
        "index.html: /search/: points to no file",
        "index.html: /poster.jpg: points to no file",
    ]


def test_anchors_ids_names_and_top(tmp_path):
    files = {
        "index.html": '<a href="#top">up</a><a href="/a/#here">a</a><a href="/a/#named">n</a>'
        '<a href="/a/#nowhere">x</a>',
        "a/index.html": '<h2 id="here">H</h2><a name="named"></a>',
    }
    assert broken(tmp_path, files) == [
        "index.html: /a/#nowhere: has no anchor '#nowhere' in a/index.html"
    ]


def test_anchors_of_pages_read_later_are_checked_and_reported_in_the_order_of_the_links(tmp_path):
    """Each file's links are checked as it is read: a link to an anchor of a file read
    later waits for it, and is still reported in its place among the page's links."""
    files = {
        "a/index.html": '<a href="/b/#gone">1</a><a href="/missing/">2</a><a href="/b/#here">3</a>'
        '<a href="#own">4</a><a href="#nope">5</a><a href="/b/#her">6</a><a href="/b/#x%00y">7</a>'
        '<h2 id="own">Own</h2>',
        "b/index.html": '<h2 id="here-and-there">H</h2><h2 id="x">X</h2><h2 id="y">Y</h2><h2 id="here">H</h2>'
        '<a href="/a/#own">a</a><a href="/a/#gone">a</a>',
    }
    assert broken(tmp_path, files) == [
        "a/index.html: /b/#gone: has no anchor '#gone' in b/index.html",
        "a/index.html: /missing/: points to no file",
        "a/index.html: #nope: has no anchor '#nope' in a/index.html",
        "a/index.html: /b/#her: has no anchor '#her' in b/index.html",
        "a/index.html: /b/#x%00y: has no anchor '#x\x00y' in b/index.html",
        "b/index.html: /a/#gone: has no anchor '#gone' in a/index.html",
    ]


@pytest.mark.parametrize("cores", [1, 2])  # files read and checked here, or in workers
def test_many_pages_on_every_core_give_what_one_process_gives(tmp_path, monkeypatch, cores):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    files = {
        f"p{n}/index.html": f'<h2 id="own">O</h2><h2 id="only{n}">O</h2><a href="#own">1</a>'
        f'<a href="#nope{n}">2</a><a href="/p{(n + 1) % 150}/#own">3</a>'
        f'<a href="/p{(n + 1) % 150}/#only{n}">4</a><a href="/missing{n}/">5</a>'
        f'<a href="../p{n}/#own">6</a>'
        for n in range(150)
    }
    assert broken(tmp_path, files) == [
        line
        for n in sorted(range(150), key=lambda n: f"p{n}/index.html")
        for line in (
            f"p{n}/index.html: #nope{n}: has no anchor '#nope{n}' in p{n}/index.html",
            f"p{n}/index.html: /p{(n + 1) % 150}/#only{n}: has no anchor '#only{n}' in "
            f"p{(n + 1) % 150}/index.html",
            f"p{n}/index.html: /missing{n}/: points to no file",
        )
    ]


def test_links_inside_comments_scripts_and_text_are_not_links(tmp_path):
    page = (
        '<!-- <a href="/gone/"> --><script>let a = \'<a href="/gone2/">\';</script>'
        '<pre><code>&lt;a href="/gone3/"&gt;</code></pre>'
    )
    assert broken(tmp_path, {"index.html": page}) == []


def test_the_sitemap_and_feeds_are_read_as_xml_and_json_is_not_read(tmp_path):
    files = {
        "sitemap.xml": '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
        'sitemap/0.9"><url><loc>https://example.org/gone/</loc></url></urlset>',
        "feed.xml": '<feed xmlns="http://www.w3.org/2005/Atom"><link href="https://example.org/'
        'missing.xml" rel="self"/><content type="html">&lt;a href="/not-a-link/"&gt;</content>'
        "</feed>",
        "search.json": '[{"x": "write <a href=\\"\\\\\\"> in HTML", "u": "/nowhere/"}]',
    }
    assert broken(tmp_path, files) == [
        "feed.xml: https://example.org/missing.xml: points to no file",
        "sitemap.xml: https://example.org/gone/: points to no file",
    ]


def test_a_page_that_shows_html_in_code_builds(write_site):
    root = write_site(
        {"content/html.md": 'Write links as `<a href="\\">`:\n\n```html\n<a href="nowhere">\n```\n'}
    )
    build(root)
    assert (root / "build/html/index.html").is_file()


def errors_of(root) -> list[str]:
    """Each error's first line (the hints suggest the nearest page)."""
    with pytest.raises(SiteErrors) as caught:
        build(root)
    return [str(error).split("\n")[0] for error in caught.value.errors]


@pytest.mark.parametrize("folder", ["Café", unicodedata.normalize("NFD", "Café")])
def test_a_broken_link_in_any_folder_name_is_blamed_on_its_markdown_line(write_site, folder):
    root = write_site({f"content/{folder}/note.md": "# Note\n\nSee [this](/gone/).\n"})
    assert errors_of(root) == [
        f"content/{folder}/note.md:3: broken link '/gone/': points to no file"
    ]


def test_a_broken_link_under_a_base_path_is_blamed_on_its_template(write_site):
    root = write_site(config='title = "T"\nbase_url = "https://example.org/blog/"\n')
    tags = root / "templates/tags.html"
    tags.write_text(
        tags.read_text("utf-8").replace('<h1>{{ _("Tags") }}</h1>', '<a href="/blog/x/">x</a>')
    )
    assert errors_of(root) == [
        "templates/tags.html: broken link '/blog/x/': points to no file (in /tags/index.html)"
    ]


def test_a_broken_link_of_a_hook_or_a_content_file_names_it(write_site):
    hooks = (
        "from flask import Blueprint, render_template_string\n"
        'blueprint = Blueprint("mine", __name__)\n'
        '@blueprint.route("/mine/")\n'
        "def mine():\n"
        "    return render_template_string('<a href=\"/gone/\">x</a>')\n"
    )
    root = write_site({"site/hooks.py": hooks, "content/old.html": '<a href="/lost/">x</a>'})
    assert errors_of(root) == [
        "content/old.html: broken link '/lost/': points to no file",
        "site/hooks.py: broken link '/gone/': points to no file (in /mine/index.html)",
    ]
