"""Documentation sites: sections, the navigation tree, the documentation layout, search and
themes, checked on the files a build writes and, in Chromium, as a reader uses them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BASE_CONFIG, REPOSITORY, need
from selectolax.lexbor import LexborHTMLParser
from sitecheck import contents
from test_theme import AXE, axe_violations, nu_errors, serving

from frostpage import build
from frostpage.errors import SiteError, SiteErrors
from frostpage.sections import SIDEBAR_LIMIT
from frostpage.starter import create_site

# A documentation three sections deep, a folder without an index page, a page at the top
# of content/ and a blog.
DOCS = {
    "content/index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "content/about.md": "---\ntitle: About\n---\nWho we are.\n",
    "content/docs/index.md": "---\ntitle: Docs\n---\nThe manual.\n",
    "content/docs/install.md": "---\ntitle: Install\nweight: 1\n---\nRun pip.\n",
    "content/docs/usage.md": "---\ntitle: Usage\nweight: 2\n---\nType commands.\n",
    "content/docs/guides/_index.md": "---\ntitle: Guides\nweight: 3\n---\nLonger reads.\n",
    "content/docs/guides/deploy.md": "---\ntitle: Deploy\n---\nShip the zanzibar build.\n",
    "content/docs/guides/advanced/tuning.md": "---\ntitle: Tuning\n---\nMake it fast.\n",
    "content/posts/long.md": (
        "---\ntitle: A long post\ndate: 2025-01-10\n---\n"
        "## One\n\nText.\n\n## Two\n\nText.\n\n## Three\n\nText.\n"
    ),
    "content/posts/short.md": "---\ntitle: A short post\ndate: 2025-01-11\n---\n## Only\n\nHi.\n",
}
# Every page of the documentation in reading order: what previous/next follow.
READING_ORDER = [
    "docs/",
    "docs/install/",
    "docs/usage/",
    "docs/guides/",
    "docs/guides/advanced/",  # by weight, then title: a section among the pages
    "docs/guides/advanced/tuning/",
    "docs/guides/deploy/",
]
BREADCRUMBS = {
    "docs/": ["Home", "Docs"],
    "docs/install/": ["Home", "Docs", "Install"],
    "docs/usage/": ["Home", "Docs", "Usage"],
    "docs/guides/": ["Home", "Docs", "Guides"],
    "docs/guides/advanced/": ["Home", "Docs", "Guides", "Advanced"],
    "docs/guides/advanced/tuning/": ["Home", "Docs", "Guides", "Advanced", "Tuning"],
    "docs/guides/deploy/": ["Home", "Docs", "Guides", "Deploy"],
}


def write(root: Path, files: dict[str, str], config: str = BASE_CONFIG) -> Path:
    """A site with no templates of its own: the default theme gives them all."""
    for name, text in {"site/config.toml": config, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def parse(built: Path, url: str) -> LexborHTMLParser:
    return LexborHTMLParser((built / url / "index.html").read_text("utf-8"))


def texts(tree: LexborHTMLParser, selector: str) -> list[str]:
    return [node.text(strip=True) for node in tree.css(selector)]


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write(tmp_path_factory.mktemp("docs") / "site", DOCS)
    build(root)
    return root


def test_a_folder_is_a_section_that_lists_its_pages_and_subsections(docs_site: Path) -> None:
    built = docs_site / "build"
    docs = parse(built, "docs")
    assert texts(docs, ".section-list > li > a") == ["Install", "Usage", "Guides"]
    assert "Run pip." in texts(docs, ".section-list .summary")
    # A folder without an index page has a section page all the same, named after it.
    advanced = parse(built, "docs/guides/advanced")
    assert texts(advanced, "h1") == ["Advanced"]
    assert texts(advanced, ".section-list > li > a") == ["Tuning"]
    assert "/docs/guides/advanced/" in (built / "sitemap.xml").read_text("utf-8")


def test_a_sidebar_of_a_section_of_thousands_lists_the_first_and_the_current(tmp_path):
    """Past SIDEBAR_LIMIT entries, a sidebar lists the first ones, the entry that holds the
    page (a page, or a sub-section with the page under it), and a link to the section."""
    files = {"content/ref/index.md": "---\ntitle: Reference\n---\nAll of it.\n"}
    for n in range(SIDEBAR_LIMIT + 30):
        files[f"content/ref/p{n:03}.md"] = f"---\ntitle: P{n:03}\nweight: {n}\n---\nText.\n"
    files["content/ref/zz/_index.md"] = "---\ntitle: Zz\nweight: 999\n---\nMore.\n"
    files["content/ref/zz/deep.md"] = "---\ntitle: Deep\n---\nBelow.\n"
    built = build(write(tmp_path / "site", files)).destination

    def sidebar(url: str) -> list[str]:
        return texts(parse(built, url), "nav.docs-nav > ul > li > a, nav.docs-nav > ul > li > span")

    first = [f"P{n:03}" for n in range(SIDEBAR_LIMIT)]
    assert sidebar("ref/p005") == [*first, "All pages of Reference…"]
    assert sidebar(f"ref/p{SIDEBAR_LIMIT + 20:03}") == [
        *first,
        f"P{SIDEBAR_LIMIT + 20:03}",
        "All pages of Reference…",
    ]
    assert sidebar("ref/zz/deep") == [*first, "Zz", "All pages of Reference…"]
    assert texts(parse(built, "ref/zz/deep"), "nav.docs-nav a[aria-current=page]") == ["Deep"]


def test_the_sidebar_shows_the_tree_with_the_current_page_marked(docs_site: Path) -> None:
    deploy = parse(docs_site / "build", "docs/guides/deploy")
    nav = deploy.css_first("nav.docs-nav")
    assert [a.text(strip=True) for a in nav.css("a")] == [
        "Docs",
        "Install",
        "Usage",
        "Guides",
        "Advanced",  # a closed branch: its pages are not listed
        "Deploy",
    ]
    current = nav.css('a[aria-current="page"]')
    assert [a.text() for a in current] == ["Deploy"]
    # Pages at the top of content/ and posts keep their own layouts.
    assert parse(docs_site / "build", "about").css_first("nav.docs-nav") is None
    assert parse(docs_site / "build", "posts/long").css_first("nav.docs-nav") is None


def test_breadcrumbs_and_previous_next_are_right_on_every_page(docs_site: Path) -> None:
    built = docs_site / "build"
    for number, url in enumerate(READING_ORDER):
        tree = parse(built, url)
        assert texts(tree, ".breadcrumbs li") == BREADCRUMBS[url], url
        assert tree.css_first('.breadcrumbs [aria-current="page"]').text() == BREADCRUMBS[url][-1]
        links = {a.attributes["rel"]: a.attributes["href"] for a in tree.css(".doc-nav a")}
        before = "/" + READING_ORDER[number - 1] if number else None
        after = "/" + READING_ORDER[number + 1] if number + 1 < len(READING_ORDER) else None
        assert (links.get("prev"), links.get("next")) == (before, after), url


def test_posts_get_a_table_of_contents_when_they_have_three_headings(docs_site: Path) -> None:
    built = docs_site / "build"
    assert texts(parse(built, "posts/long"), "nav.toc a") == ["One", "Two", "Three"]
    assert parse(built, "posts/short").css_first("nav.toc") is None


def test_without_nav_the_header_lists_top_pages_sections_and_the_blog(docs_site: Path) -> None:
    header = parse(docs_site / "build", "docs/usage").css_first("nav.site-nav")
    assert texts(header, "a") == ["About", "Docs", "Blog"]
    assert header.css_first('a[aria-current="true"]').text() == "Docs"


def test_nav_links_are_encoded_and_keep_what_is_written(tmp_path: Path) -> None:
    files = {**DOCS, "content/docs/café.md": "---\ntitle: Café\n---\nCoffee.\n"}
    config = BASE_CONFIG + "".join(
        f'[[nav]]\ntitle = "{title}"\nurl = "{url}"\n'
        for title, url in [("Docs", "/docs/"), ("Feed", "/feed.xml"), ("About", "/about/#main")]
    )
    root = write(tmp_path, files, config)
    build(root)
    usage = parse(root / "build", "docs/usage")
    header = [a.attributes["href"] for a in usage.css("nav.site-nav a")]
    assert header == ["/docs/", "/feed.xml", "/about/#main"]
    assert "/docs/caf%C3%A9/" in [a.attributes["href"] for a in usage.css("nav.docs-nav a")]


def test_the_blogs_intro_is_not_a_page_of_the_nav(tmp_path: Path) -> None:
    root = write(tmp_path, {**DOCS, "content/posts.md": "---\ntitle: Journal\n---\nNotes.\n"})
    build(root)
    header = parse(root / "build", "about").css_first("nav.site-nav")
    assert texts(header, "a") == ["About", "Docs", "Journal"]


def test_a_written_nav_nests_names_content_files_and_other_sites(tmp_path: Path) -> None:
    config = BASE_CONFIG + (
        '[[nav]]\ntitle = "Start"\n'
        '[[nav.children]]\ntitle = "Installing"\nurl = "docs/install.md"\n'
        '[[nav.children]]\ntitle = "Source"\nurl = "https://example.com/code"\n'
        '[[nav]]\ntitle = "Manual"\nurl = "/docs/"\n'
    )
    root = write(tmp_path, DOCS, config)
    build(root)
    usage = parse(root / "build", "docs/usage")
    assert texts(usage.css_first("nav.site-nav"), "a") == ["Manual"]  # a group has no link
    # The section's entry lists its pages without being told.
    assert usage.css_first("nav.docs-nav").attributes["aria-label"] == "Manual"
    assert "Tuning" not in texts(usage, "nav.docs-nav a")  # a closed branch
    assert "Usage" in texts(usage, "nav.docs-nav a")
    # The first entry that holds a page gives its sidebar.
    install = parse(root / "build", "docs/install")
    sidebar = install.css_first("nav.docs-nav")
    assert sidebar.attributes["aria-label"] == "Start"
    hrefs = [a.attributes["href"] for a in sidebar.css("a")]
    assert hrefs == ["/docs/install/", "https://example.com/code"]


def test_a_nav_entry_naming_a_missing_content_file_is_an_error(tmp_path: Path) -> None:
    config = BASE_CONFIG + '[[nav]]\ntitle = "Setup"\nurl = "docs/instal.md"\n'
    root = write(tmp_path, DOCS, config)
    with pytest.raises(SiteErrors) as caught:
        build(root)
    assert [str(error).split("\n")[0] for error in caught.value.errors] == [
        "site/config.toml:8: [[nav]] entry 'Setup' names docs/instal.md, which is not a page"
    ]


def test_a_nav_entry_without_a_url_or_children_is_an_error_with_its_line(tmp_path) -> None:
    config = BASE_CONFIG + '[[nav]]\ntitle = "Docs"\nurl = "/docs/"\n[[nav]]\ntitle = "Empty"\n'
    root = write(tmp_path, DOCS, config)
    with pytest.raises(SiteError) as caught:
        build(root)
    assert str(caught.value).startswith("site/config.toml:10: each entry of 'nav'")


def test_the_home_page_may_use_the_section_template(tmp_path: Path) -> None:
    home = "---\ntitle: Home\ntemplate: section.html\n---\nWelcome.\n"
    root = write(tmp_path, {**DOCS, "content/index.md": home})
    build(root)
    assert texts(parse(root / "build", ""), ".section-list > li > a") == ["About", "Docs"]


def test_a_section_page_chooses_the_template_of_the_pages_under_it(tmp_path: Path) -> None:
    files = {
        **DOCS,
        "content/docs/guides/_index.md": (
            "---\ntitle: Guides\npage_template: wide.html\n---\nLonger reads.\n"
        ),
        "templates/wide.html": "{% extends 'page.html' %}{% block title %}WIDE{% endblock %}",
    }
    root = write(tmp_path, files)
    build(root)
    title = "title"
    assert texts(parse(root / "build", "docs/guides/advanced/tuning"), title) == ["WIDE"]
    assert texts(parse(root / "build", "docs/install"), title) == ["Install · Test site"]


def test_the_search_index_is_written_kept_when_nothing_changed_and_never_half(
    docs_site: Path,
) -> None:
    index = docs_site / "build/_search"
    entry = json.loads((index / "index.json").read_text("utf-8"))
    assert entry["pages"] == len(list((index / "pages").glob("*.json")))
    pages = [json.loads(path.read_text("utf-8")) for path in (index / "pages").glob("*.json")]
    deploy = next(page for page in pages if page["t"] == "Deploy")
    assert deploy == {
        "u": "/docs/guides/deploy/",
        "t": "Deploy",
        "s": "Docs › Guides",
        "x": "Ship the zanzibar build.",
    }
    stat = (index / "index.json").stat()
    assert build(docs_site).written == 0
    assert (index / "index.json").stat().st_ino == stat.st_ino
    # A build that fails publishes nothing, the index included.
    page = docs_site / "content/docs/usage.md"
    page.write_text("---\ntitle: Usage\n---\nSee [nothing](nothing.md).\n", "utf-8")
    with pytest.raises(SiteErrors):
        build(docs_site)
    assert (index / "index.json").stat().st_ino == stat.st_ino
    page.write_text(DOCS["content/docs/usage.md"], "utf-8")


def test_the_index_ranks_titles_first_and_folds_case_and_accents(tmp_path: Path) -> None:
    """What search.js reads: each word's pages and scores, in the chunk the table names."""
    files = {
        "content/index.md": "---\ntitle: Home\n---\nWelcome.\n",
        "content/notes/cafe.md": "---\ntitle: Café notes\n---\nA page about coffee.\n",
        "content/notes/menu.md": "---\ntitle: Menu\n---\nThe CAFÉ opens at nine; the café.\n",
    }
    root = write(tmp_path, files)
    build(root)
    index = root / "build/_search"
    entry = json.loads((index / "index.json").read_text("utf-8"))
    titles = {
        number: json.loads((index / f"pages/{number}.json").read_text("utf-8"))["t"]
        for number in range(entry["pages"])
    }
    chunk = [name for first, name in entry["words"] if first <= "cafe"][-1]
    postings = json.loads((index / f"words/{chunk}.json").read_text("utf-8"))["cafe"]
    scores = {
        titles[page]: score for page, score in zip(postings[::2], postings[1::2], strict=True)
    }
    assert set(scores) == {"Café notes", "Menu"}
    assert scores["Café notes"] > scores["Menu"]  # a word of the title counts most


def test_the_index_after_edits_is_the_one_a_full_build_makes(tmp_path: Path) -> None:
    """Builds reuse the build before the last as their staging folder: its older index
    must leave nothing behind."""
    root = write(tmp_path / "site", DOCS)
    usage = root / "content/docs/usage.md"
    for text in ("Type commands, quokka.", "Type commands.", "Type other commands."):
        build(root)
        usage.write_text(f"---\ntitle: Usage\nweight: 2\n---\n{text}\n", "utf-8")
    build(root)
    build(root, tmp_path / "site/full", force=True, full=True)
    assert contents(root / "build") == contents(tmp_path / "site/full")
    (root / "site/config.toml").write_text(BASE_CONFIG + "search = false\n", "utf-8")
    build(root)
    assert not (root / "build/_search").exists()


def test_chinese_and_japanese_are_indexed_character_by_character() -> None:
    from frostpage.search import words

    text = "静态网站 Static 東京タワー naïve 한국어"
    assert words(text) == [*"静态网站", "static", *"東京タワー", "naive", words("한국어")[0]]


def test_a_damaged_cache_of_counted_words_is_counted_again(tmp_path: Path) -> None:
    root = write(tmp_path / "site", DOCS)
    build(root)
    cache = root / ".frostpage-cache/search.sqlite"
    assert cache.is_file()
    first = contents(root / "build/_search")
    cache.write_bytes(b"SQLite format 3\0 damaged" * 100)
    build(root, full=True)
    assert contents(root / "build/_search") == first
    (root / "content/docs/usage.md").write_text("---\ntitle: Usage\n---\nType, ocelot.\n", "utf-8")
    build(root)
    assert any(b"ocelot" in data for data in contents(root / "build/_search").values())


def test_search_can_be_turned_off(tmp_path: Path) -> None:
    root = write(tmp_path, DOCS, BASE_CONFIG + "search = false\n")
    build(root)
    assert not (root / "build/_search").exists()
    assert parse(root / "build", "docs").css_first(".site-search") is None


def test_a_site_overrides_one_template_and_keeps_the_rest_of_the_theme(tmp_path: Path) -> None:
    files = {
        **DOCS,
        "templates/base.html": (
            "<!doctype html><html lang='en'><title>{% block title %}{% endblock %}</title>"
            "<p>OWN FRAME</p>{% block content %}{% endblock %}</html>"
        ),
        "static/css/extra.css": "p { color: red; }",
    }
    root = write(tmp_path, files)
    result = build(root)
    usage = (root / "build/docs/usage/index.html").read_text("utf-8")
    assert "OWN FRAME" in usage and "Type commands." in usage and 'class="doc-nav"' in usage
    assert (root / "build/tags/index.html").is_file()  # tags.html comes from the theme
    assert (root / "build/static/css/extra.css").is_file()
    assert (root / "build/static/js/search.js").is_file()  # the theme's static files too
    assert not any("not used" in warning for warning in result.warnings)


def test_a_theme_folder_comes_between_the_site_and_the_default_theme(tmp_path: Path) -> None:
    files = {
        **DOCS,
        "themes/paper/templates/doc.html": "PAPER {{ page.title }}",
        "themes/paper/static/paper.css": "body { margin: 0; }",
        "templates/section.html": "OWN {{ section.title }}",
    }
    root = write(tmp_path, files, BASE_CONFIG + 'theme = "paper"\n')
    build(root)
    assert (root / "build/docs/usage/index.html").read_text("utf-8") == "PAPER Usage"
    assert (root / "build/docs/index.html").read_text("utf-8") == "OWN Docs"
    assert (root / "build/static/paper.css").is_file()


def test_an_error_in_a_themes_template_names_its_file_and_line(tmp_path: Path) -> None:
    files = {**DOCS, "themes/paper/templates/doc.html": "{{ page.title }}\n{{ page.titel }}"}
    root = write(tmp_path, files, BASE_CONFIG + 'theme = "paper"\n')
    with pytest.raises(SiteErrors) as caught:
        build(root)
    shown = str(caught.value.errors[0])
    assert shown.startswith("themes/paper/templates/doc.html:2: template error:")


def test_an_unknown_theme_is_an_error_with_its_line(tmp_path: Path) -> None:
    root = write(tmp_path, DOCS, BASE_CONFIG + 'theme = "nope"\n')
    with pytest.raises(SiteError) as caught:
        build(root)
    assert str(caught.value).startswith("site/config.toml:6: unknown theme 'nope'")


def test_an_installed_theme_is_found_by_its_entry_point(tmp_path, monkeypatch) -> None:
    packages = tmp_path / "packages"
    theme = packages / "frostpage_midnight"
    (theme / "templates").mkdir(parents=True)
    (theme / "__init__.py").write_text("", "utf-8")
    (theme / "templates/doc.html").write_text("MIDNIGHT {{ page.title }}", "utf-8")
    info = packages / "frostpage_midnight-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: frostpage-midnight\n", "utf-8")
    (info / "entry_points.txt").write_text(
        "[frostpage.themes]\nmidnight = frostpage_midnight\n", "utf-8"
    )
    monkeypatch.syspath_prepend(str(packages))
    root = write(tmp_path / "site", DOCS, BASE_CONFIG + 'theme = "midnight"\n')
    build(root)
    assert (root / "build/docs/usage/index.html").read_text("utf-8") == "MIDNIGHT Usage"


def test_init_makes_a_site_without_templates_unless_asked(tmp_path: Path) -> None:
    create_site(tmp_path / "plain")
    assert not (tmp_path / "plain/templates").exists()
    build(tmp_path / "plain")
    assert "Hello, world" in (tmp_path / "plain/build/index.html").read_text("utf-8")
    create_site(tmp_path / "editable", with_templates=True)
    assert (tmp_path / "editable/templates/base.html").is_file()
    assert (tmp_path / "editable/templates/doc.html").is_file()


# In Chromium: the search box and the sidebar, as a reader with a keyboard uses them.


@pytest.fixture(scope="module")
def served_docs(docs_site: Path) -> Iterator[str]:
    with serving(docs_site / "build") as url:
        yield url


def search_with_keyboard(page, served: str, start: str) -> None:
    """Press /, type a word, choose the first result with the arrow key, open it."""
    page.goto(served + start)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.keyboard.type("zanzibar")
    page.locator(".search-results a").first.wait_for()
    titles = page.locator(".search-results .search-title").all_text_contents()
    assert titles == ["Deploy"]
    assert page.locator(".search-results mark").first.text_content().lower() == "zanzibar"
    assert page.locator(".search-section").first.text_content() == "Docs › Guides"
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#search-input", "aria-activedescendant") == "search-result-0"
    page.keyboard.press("Enter")
    page.wait_for_url("**/docs/guides/deploy/")


def test_typing_in_the_search_box_finds_the_page_under_the_sites_policy(
    served_docs: str, browser
) -> None:
    page = browser.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Policy" in m.text else None)
    search_with_keyboard(page, served_docs, "/about/")
    # Escape closes the list; a query with no match says so.
    page.keyboard.press("/")
    page.keyboard.type("qqqxxyy")
    page.get_by_text("Nothing found").wait_for()
    page.keyboard.press("Escape")
    assert page.locator(".search-results").is_hidden()
    assert refused == []
    page.close()


def test_without_javascript_the_search_box_is_hidden(served_docs: str, browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served_docs + "/docs/")
    assert page.locator(".site-search").is_hidden()
    context.close()


def test_the_sidebar_folds_behind_a_menu_on_phones(served_docs: str, browser) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(served_docs + "/docs/usage/")
    install = page.locator("nav.docs-nav").get_by_role("link", name="Install", exact=True)
    assert install.is_hidden()
    page.get_by_text("Menu").click()
    assert install.is_visible()
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(served_docs + "/docs/usage/")
    assert install.is_visible()
    assert page.get_by_text("Menu").is_hidden()
    page.close()


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    """The documentation under a sub-path, for ``live_server``."""
    config = BASE_CONFIG.replace("https://example.org/", "http://127.0.0.1/sub/")
    return write(tmp_path, DOCS, config)


def test_search_works_in_the_preview_under_a_sub_path(live_server: str, browser) -> None:
    """The preview answers /_search/ from memory, with the site's base path."""
    page = browser.new_page()
    search_with_keyboard(page, live_server + "/sub", "/about/")
    page.close()


def test_frostpages_own_docs_are_a_section_with_a_sidebar(tmp_path: Path) -> None:
    output = tmp_path / "build"
    build(REPOSITORY, output, force=True)
    docs = parse(output, "docs")  # the repository's site is minified: parsed
    listed = [a.attributes["href"] for a in docs.css(".section-list li > a")]
    assert "/docs/getting-started/" in listed and "/docs/sections-and-search/" in listed
    page = parse(output, "docs/templates")
    assert page.css_first('.docs-nav a[aria-current="page"]').text() == "Templates"
    assert page.css_first(".breadcrumbs")


def test_the_docs_site_passes_the_nu_checker_and_axe_in_both_schemes(
    docs_site: Path, served_docs: str, browser
) -> None:
    assert nu_errors(docs_site / "build") == ""
    need(AXE.is_file(), "axe-core (npm install)")
    failures = []
    for scheme in ("light", "dark"):
        page = browser.new_page(color_scheme=scheme, bypass_csp=True)  # axe is put in
        for url in ["/about/", "/posts/long/", *("/" + url for url in READING_ORDER)]:
            page.goto(served_docs + url)
            page.keyboard.press("/")
            page.keyboard.type("zanzibar")  # with the list of results open
            page.locator(".search-results a").first.wait_for()
            failures += [f"{scheme} {url} {violation}" for violation in axe_violations(page)]
        page.close()
    assert failures == [], "\n".join(failures)
