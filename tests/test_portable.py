"""What a build does to its files for publishing: portable builds (relative_urls = true,
frostpage build --relative) write every link of a page to the site relative to it, so
build/ works opened from disk and from any folder; minified builds (the default) are
smaller, valid and the same bytes every time."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

from click.testing import CliRunner
from conftest import BASE_CONFIG, REPOSITORY
from selectolax.lexbor import LexborHTMLParser
from test_theme import nu_errors, serving

from frostpage import build, create_app
from frostpage.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "multilingual"


def links_of(page: Path) -> list[str]:
    tree = LexborHTMLParser(page.read_text("utf-8"))
    found = [node.attributes.get("href") or "" for node in tree.css("a[href], link[href]")]
    found += [node.attributes.get("src") or "" for node in tree.css("[src]")]
    return [link for link in found if link]


def test_every_link_of_a_relative_build_is_relative_and_leads_to_a_file(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    config = root / "site/config.toml"
    config.write_text("relative_urls = true\n" + config.read_text("utf-8"), "utf-8")
    config.write_text(
        config.read_text("utf-8").replace('"https://example.org/"', '"https://example.org/blog/"')
    )
    build(root)
    output = root / "build"
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        for link in links_of(page):
            if re.match(r"[a-z]+:", link) or link.startswith("#"):
                continue  # another site's, or canonical and Open Graph's absolute URLs
            assert not link.startswith("/"), (page, link)
            target = (page.parent / unquote(link.split("#")[0].split("?")[0])).resolve()
            assert target.is_file(), (page.relative_to(output), link)
    # The feeds and the sitemap keep absolute URLs, with the base path.
    assert "<loc>https://example.org/blog/fr/about/</loc>" in (output / "sitemap.xml").read_text()


def test_a_relative_build_browses_from_disk_in_chromium(tmp_path: Path, browser) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--relative"])
    assert result.exit_code == 0, result.output
    output = root / "build"
    page = browser.new_page()
    visited = 0
    for start in ["index.html", "fr/posts/first-light/index.html", "ar/about/index.html"]:
        page.goto((output / start).as_uri())
        # The stylesheet is there: the header is laid out by it.
        assert (
            page.evaluate(
                "getComputedStyle(document.querySelector('.site-header')).borderBottomStyle"
            )
            == "solid"
        )
        hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
        for href in hrefs:
            if not href.startswith("file://"):
                continue
            path = Path(unquote(urlsplit(href).path))
            assert path.is_file(), (start, href)
            response = page.goto(href)
            assert response is None or response.ok, href
            visited += 1
        page.goto((output / start).as_uri())
    assert visited > 20
    page.close()


def test_a_relative_build_works_from_any_folder_of_a_server(tmp_path: Path, browser) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    CliRunner().invoke(main, ["--root", str(root), "build", "--relative"])
    folder = tmp_path / "server"
    shutil.copytree(root / "build", folder / "some" / "folder")
    with serving(folder) as url:
        page = browser.new_page()
        page.goto(url + "/some/folder/fr/")
        page.keyboard.press("/")
        page.keyboard.type("seulement")
        first = page.locator(".search-results a").first
        first.wait_for()
        assert first.get_attribute("href") == url + "/some/folder/fr/seulement/index.html"
        page.close()


def test_an_environment_variable_turns_it_on_and_must_be_true_or_false(write_site) -> None:
    from frostpage.config import load_settings
    from frostpage.errors import SiteError

    root = write_site()
    settings, _ = load_settings(root, {"FROSTPAGE_RELATIVE_URLS": "true"})
    assert settings.relative_urls
    try:
        load_settings(root, {"FROSTPAGE_RELATIVE_URLS": "yes please"})
    except SiteError as error:
        assert str(error) == "FROSTPAGE_RELATIVE_URLS: must be true or false"
    else:
        raise AssertionError("no error")


def test_the_preview_keeps_links_from_the_sites_root(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    config = root / "site/config.toml"
    config.write_text("relative_urls = true\n" + config.read_text("utf-8"), "utf-8")
    text = create_app(root, dev=True).test_client().get("/fr/about/").text
    assert 'href="/fr/about/"' in text


def test_a_build_is_minified_valid_and_the_same_bytes_every_time(write_site) -> None:
    config = BASE_CONFIG.replace("minify = false\n", "")
    root = write_site(config=config)
    build(root)
    output = root / "build"
    page = (output / "docs/intro/index.html").read_text("utf-8")
    assert "\n  " not in page and "<html" in page and "</body></html>" in page
    first = {p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    build(root, full=True)
    again = {p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert first == again
    (stylesheet,) = (output / "static/css").glob("site.*.css")
    assert stylesheet.stat().st_size < (REPOSITORY / "static/css/site.css").stat().st_size * 0.9
    (script,) = (output / "static/js").glob("theme.*.js")
    assert "// " not in script.read_text("utf-8")
    assert nu_errors(output) == ""
    # As written with minify = false; the preview is never minified.
    unminified = write_site(config=BASE_CONFIG, root=root.parent / "plain")
    build(unminified)
    plain = (unminified / "build/docs/intro/index.html").read_bytes()
    assert len(page.encode()) < len(plain) * 0.95
    preview = create_app(root, dev=True).test_client().get("/docs/intro/").text
    assert "\n  <meta" in preview


def test_a_path_with_a_colon_stays_a_path_in_a_relative_build(tmp_path: Path) -> None:
    """'notes:1/index.html' would be a URL of the scheme "notes": the link says './'."""
    from frostpage.portable import relative_url

    assert relative_url("/notes:1/", "") == "./notes:1/index.html"
    assert relative_url("/notes:1/#top", "posts") == "../notes:1/index.html#top"
    files = {
        "site/config.toml": BASE_CONFIG,
        "content/index.md": "---\ntitle: Home\n---\nSee [the notes](notes.md).\n",
        "content/notes.md": "---\ntitle: Colon\nurl: /notes:1/\n---\nA page.\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, "utf-8")
    build(tmp_path, relative=True)
    home = LexborHTMLParser((tmp_path / "build/index.html").read_text("utf-8"))
    links = {node.attributes["href"] for node in home.css("a[href*='notes']")}
    assert "./notes:1/index.html" in links  # the links url_for writes are percent-encoded
    assert not [link for link in links if re.match(r"[^/]*:", link)]
