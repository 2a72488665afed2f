"""Multilingual sites: one site in English, French and Arabic, each language complete.

tests/fixtures/multilingual has English pages at /, French ones named as translations
(about.fr.md) and one in a folder (fr/seulement.md), Arabic ones in content/ar/, a page in
English only and one in French only. It is built once, and its output checked: URLs,
hreflang pairs, the switcher's targets, feeds, sitemap alternates, translated dates and
words, the search index of each language, and RTL layout in Chromium.
"""

from __future__ import annotations

import io
import json
import shutil
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from conftest import REPOSITORY, need
from selectolax.lexbor import LexborHTMLParser
from test_theme import AXE, axe_violations, nu_errors, serving

from frostpage import build, create_app
from frostpage.errors import SiteError, SiteErrors
from frostpage.i18n import SHIPPED, format_date

FIXTURE = Path(__file__).parent / "fixtures" / "multilingual"
SHIPPED_LANGUAGES = ("en", "fr", "de", "es", "zh", "ja", "ar")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def copy_fixture(root: Path) -> Path:
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_fixture(tmp_path_factory.mktemp("multilingual") / "site")
    build(root)
    return root / "build"


def parse(built: Path, url: str) -> LexborHTMLParser:
    return LexborHTMLParser((built / url.strip("/") / "index.html").read_text("utf-8"))


def alternates(tree: LexborHTMLParser) -> dict[str, str]:
    return {
        node.attributes["hreflang"]: node.attributes["href"]
        for node in tree.css('link[rel="alternate"][hreflang]')
    }


def switcher(tree: LexborHTMLParser) -> dict[str, str]:
    return {a.attributes["hreflang"]: a.attributes["href"] for a in tree.css(".language-switch a")}


def test_each_language_has_its_pages_lists_and_feeds_under_its_prefix(built: Path) -> None:
    for url in [
        "/about/",
        "/fr/about/",
        "/ar/about/",
        "/only-english/",
        "/fr/seulement/",
        "/fr/posts/first-light/",
        "/ar/posts/first-light/",
        "/fr/docs/intro/",
        "/fr/tags/ciel/",
        "/ar/tags/سماء/",
        "/fr/posts/2025/",
        "/fr/archive/",
    ]:
        assert (built / url.strip("/") / "index.html").is_file(), url
    for name in ["fr/index.html", "ar/index.html", "fr/404.html", "ar/feed.xml", "fr/feed.json"]:
        assert (built / name).is_file(), name
    assert not (built / "fr/only-english").exists()
    assert not (built / "seulement").exists()
    assert not (built / "fr/tags/sky").exists()  # a tag of the English posts only
    html = parse(built, "/fr/about/").css_first("html").attributes
    assert (html["lang"], html["dir"]) == ("fr", "ltr")
    html = parse(built, "/ar/about/").css_first("html").attributes
    assert (html["lang"], html["dir"]) == ("ar", "rtl")
    # Each language's lists hold its own posts only.
    french = [a.text() for a in parse(built, "/fr/posts/").css(".post-list h2 a")]
    assert french == ["Première lumière"]
    english = [a.text() for a in parse(built, "/posts/").css(".post-list h2 a")]
    assert english == ["Field day", "First light"]
    assert parse(built, "/fr/").css_first("title").text() == "Carnet de terrain"


def test_translations_name_each_other_with_hreflang_and_x_default(built: Path) -> None:
    pairs = {
        "en": "https://example.org/about/",
        "fr": "https://example.org/fr/about/",
        "ar": "https://example.org/ar/about/",
        "x-default": "https://example.org/about/",
    }
    for url in ["/about/", "/fr/about/", "/ar/about/"]:
        assert alternates(parse(built, url)) == pairs, url
    assert alternates(parse(built, "/fr/posts/first-light/"))["en"] == (
        "https://example.org/posts/first-light/"
    )
    # A page in one language only has none; nor has the French docs intro but for English.
    assert alternates(parse(built, "/only-english/")) == {}
    assert alternates(parse(built, "/fr/seulement/")) == {}
    assert set(alternates(parse(built, "/fr/docs/intro/"))) == {"en", "fr", "x-default"}
    # Lists are versions of each other too.
    assert alternates(parse(built, "/fr/posts/"))["ar"] == "https://example.org/ar/posts/"


def test_the_switcher_leads_to_the_translation_or_that_languages_home(built: Path) -> None:
    assert switcher(parse(built, "/fr/about/")) == {
        "en": "/about/",
        "fr": "/fr/about/",
        "ar": "/ar/about/",
    }
    assert switcher(parse(built, "/only-english/")) == {
        "en": "/only-english/",
        "fr": "/fr/",
        "ar": "/ar/",
    }
    tree = parse(built, "/fr/seulement/")
    assert switcher(tree) == {"en": "/", "fr": "/fr/seulement/", "ar": "/ar/"}
    current = tree.css_first(".language-switch a[aria-current]")
    assert (current.text(), current.attributes["lang"]) == ("Français", "fr")
    # A tag the French posts do not have: to the French home page.
    assert switcher(parse(built, "/tags/sky/"))["fr"] == "/fr/"
    assert switcher(parse(built, "/fr/tags/ciel/"))["en"] == "/"


def test_links_and_nav_lead_to_the_pages_of_the_same_language(built: Path) -> None:
    french_home = parse(built, "/fr/")
    links = [a.attributes["href"] for a in french_home.css(".content a")]
    assert links == ["/fr/about/", "/fr/seulement/"]  # about.md, read as its translation
    assert [a.text() for a in french_home.css(".site-nav a")] == ["À propos"]
    arabic = parse(built, "/ar/about/")
    # Arabic has no [[nav]] of its own: its sections, then its blog (a translated word).
    assert [a.attributes["href"] for a in arabic.css(".site-nav a")] == ["/ar/about/", "/ar/posts/"]
    assert [a.text() for a in arabic.css(".site-nav a")][-1] == "المدونة"
    assert [a.text() for a in parse(built, "/about/").css(".site-nav a")] == ["About", "Docs"]
    french_docs = parse(built, "/fr/docs/intro/")
    assert [a.attributes["href"] for a in french_docs.css(".breadcrumbs a")] == [
        "/fr/",
        "/fr/docs/",
    ]


def test_dates_and_the_themes_words_are_in_the_pages_language(built: Path) -> None:
    french = parse(built, "/fr/posts/first-light/")
    assert french.css_first(".post-meta time").text() == "5 mars 2025"
    assert "min de lecture" in french.css_first(".post-meta").text()
    assert french.css_first(".skip-link").text() == "Aller au contenu"
    arabic = parse(built, "/ar/posts/first-light/")
    assert arabic.css_first(".post-meta time").text() == "5 مارس 2025"
    assert arabic.css_first("#search-input").attributes["placeholder"] == "بحث (اضغط /)"
    words = json.loads(arabic.css_first("html").attributes["data-words"])
    assert words["copy"] == "نسخ"
    english = parse(built, "/posts/first-light/")
    assert english.css_first(".post-meta time").text() == "5 March 2025"  # its date_format
    assert "Derniers billets" in parse(built, "/fr/").text()
    tags = parse(built, "/fr/tags/")
    assert tags.css_first("h1").text() == "Étiquettes"
    assert tags.css_first(".count").text() == "1 billet"
    assert parse(built, "/ar/tags/").css_first(".count").text() == "تدوينة واحدة"
    assert "Page introuvable" in (built / "fr/404.html").read_text("utf-8")


def test_babel_writes_each_locales_dates() -> None:
    import datetime as dt

    day = dt.date(2025, 3, 5)
    assert format_date(day, "", "zh") == "2025年3月5日"
    assert format_date(day, "", "de") == "5. März 2025"
    assert format_date(day, "%-d %B %Y", "es") == "5 marzo 2025"
    assert format_date(day, "%A %d/%m", "fr") == "mercredi 05/03"
    assert format_date(day, "d MMMM y", "ja") == "5 3月 2025"
    assert format_date(day, "%d%% %B", "en") == "05% March"


def test_feeds_and_search_are_per_language(built: Path) -> None:
    feed = feedparser.parse((built / "fr/feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.language == "fr"
    assert [entry.title for entry in feed.entries] == ["Première lumière"]
    assert feed.entries[0].link == "https://example.org/fr/posts/first-light/"
    items = json.loads((built / "ar/feed.json").read_text("utf-8"))
    assert [item["title"] for item in items["items"]] == ["الضوء الأول"]
    assert items["language"] == "ar"
    assert [entry.title for entry in feedparser.parse(built / "fr/tags/ciel/feed.xml").entries] == [
        "Première lumière"
    ]
    for prefix, expected in [("", "Field day"), ("fr/", "Seulement en français")]:
        index = json.loads((built / prefix / "_search/index.json").read_text("utf-8"))
        titles = [
            json.loads(path.read_text("utf-8"))["t"]
            for path in sorted((built / prefix / "_search/pages").glob("*.json"))
        ]
        assert index["pages"] == len(titles)
        assert expected in titles
    english = [
        json.loads(p.read_text("utf-8"))["t"] for p in (built / "_search/pages").glob("*.json")
    ]
    assert "Première lumière" not in english
    # A post's section in the results is the word for the blog in its language.
    arabic = [json.loads(p.read_text("utf-8")) for p in (built / "ar/_search/pages").glob("*.json")]
    assert {page["s"] for page in arabic if page["t"] == "الضوء الأول"} == {"المدونة"}
    form = parse(built, "/fr/about/").css_first(".site-search").attributes
    assert form["data-index"] == "/fr/_search/index.json"
    assert form["data-none"] == "Rien trouvé pour « {query} »."


def test_the_sitemap_lists_every_url_with_its_versions(built: Path) -> None:
    root = etree.fromstring((built / "sitemap.xml").read_bytes())
    found = {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        for url in root.findall(f"{SITEMAP}url")
    }
    about = {
        "en": "https://example.org/about/",
        "fr": "https://example.org/fr/about/",
        "ar": "https://example.org/ar/about/",
    }
    for url in about.values():
        assert found[url] == about
    assert found["https://example.org/only-english/"] == {}
    assert found["https://example.org/fr/seulement/"] == {}
    assert found["https://example.org/fr/posts/"]["en"] == "https://example.org/posts/"
    assert len(found) == len(root.findall(f"{SITEMAP}url"))  # each URL once
    assert "https://example.org/ar/tags/%D8%B3%D9%85%D8%A7%D8%A1/" in found


def test_each_language_has_its_not_found_page_on_the_host(built: Path) -> None:
    lines = (built / "_redirects").read_text("utf-8").splitlines()
    assert "/fr/* /fr/404.html 404" in lines
    assert "/ar/* /ar/404.html 404" in lines


def test_the_preview_answers_in_each_language(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "site")
    client = create_app(root, dev=True).test_client()
    page = client.get("/fr/about/")
    assert page.status_code == 200
    assert '<html lang="fr" dir="ltr"' in page.text
    missing = client.get("/ar/nothing-here/")
    assert missing.status_code == 404
    assert 'lang="ar" dir="rtl"' in missing.text
    assert "الصفحة غير موجودة" in missing.text
    index = client.get("/fr/_search/index.json")
    assert index.status_code == 200 and index.json["pages"] >= 4
    arabic = client.get("/ar/_search/index.json").json["pages"]
    sections = {client.get(f"/ar/_search/pages/{n}.json").json["s"] for n in range(arabic)}
    assert "المدونة" in sections
    assert client.get("/fr/tags/ciel/").status_code == 200
    assert client.get("/fr/tags/sky/").status_code == 404


def test_an_edit_in_one_language_rebuilds_to_the_bytes_of_a_full_build(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "site")
    build(root)
    page = root / "content/about.fr.md"
    page.write_text(page.read_text("utf-8").replace("notes", "carnets"), "utf-8")
    (root / "content/ar/only-arabic.md").write_text("---\ntitle: عربي فقط\n---\nنص.\n", "utf-8")
    result = build(root)
    assert 0 < result.written < result.files
    full = root / "full"
    build(root, full, full=True)
    ours = {p.relative_to(root / "build"): p.read_bytes() for p in files_of(root / "build")}
    theirs = {p.relative_to(full): p.read_bytes() for p in files_of(full)}
    assert ours.keys() == theirs.keys()
    assert [name for name in ours if ours[name] != theirs[name]] == []
    assert "carnets" in parse(root / "build", "/fr/about/").text()
    assert "/ar/only-arabic/" in switcher(parse(root / "build", "/ar/only-arabic/")).values()


def files_of(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_the_default_language_may_have_its_own_prefix(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "site")
    config = root / "site/config.toml"
    config.write_text(
        config.read_text("utf-8").replace(
            'language = "en"', 'language = "en"\nprefix_default_language = true'
        ),
        "utf-8",
    )
    build(root)
    output = root / "build"
    assert (output / "en/about/index.html").is_file()
    assert (output / "en/posts/first-light/index.html").is_file()
    assert not (output / "about").exists()
    refresh = LexborHTMLParser((output / "index.html").read_text("utf-8")).css_first(
        'meta[http-equiv="refresh"]'
    )
    assert refresh.attributes["content"] == "0; url=https://example.org/en/"
    assert switcher(parse(output, "/fr/about/"))["en"] == "/en/about/"
    assert "/en/* /en/404.html 404" in (output / "_redirects").read_text("utf-8")


def test_hugos_folder_per_language_regions_and_translation_keys(tmp_path: Path) -> None:
    """Hugo's content/en/ and content/pt-br/ folders, Zola's _index.pt-br.md, and pages of
    different names linked by translationKey."""
    root = tmp_path / "site"
    files = {
        "site/config.toml": 'title = "T"\nbase_url = "https://example.org/"\n'
        '[languages.pt-br]\ntitle = "T (Brasil)"\n[languages.he]\n',
        "content/en/_index.md": "---\ntitle: Home\n---\nHi.\n",
        "content/pt-br/_index.md": "---\ntitle: Início\n---\nOi.\n",
        "content/en/team.md": "---\ntitle: Team\ntranslationKey: team\n---\nUs.\n",
        "content/pt-br/equipe.md": "---\ntitle: Equipe\ntranslationKey: team\n---\nNós.\n",
        "content/en/guide/_index.md": "---\ntitle: Guide\n---\nRead.\n",
        "content/guide/_index.pt-br.md": "---\ntitle: Guia\n---\nLeia.\n",
        "content/he/index.md": "---\ntitle: בית\n---\nשלום.\n",  # noqa: RUF001
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    build(root)
    output = root / "build"
    assert alternates(parse(output, "/team/"))["pt-br"] == "https://example.org/pt-br/equipe/"
    assert switcher(parse(output, "/pt-br/equipe/"))["en"] == "/team/"
    assert switcher(parse(output, "/guide/"))["pt-br"] == "/pt-br/guide/"
    assert parse(output, "/pt-br/").css_first("html").attributes["lang"] == "pt-br"
    hebrew = parse(output, "/he/").css_first("html").attributes
    assert (hebrew["lang"], hebrew["dir"]) == ("he", "rtl")
    names = [a.text() for a in parse(output, "/team/").css(".language-switch a")]
    assert names == ["English", "Português (Brasil)", "עברית"]


def errors_of(root: Path) -> list[str]:
    with pytest.raises((SiteError, SiteErrors)) as caught:
        build(root)
    error = caught.value
    found = error.errors if isinstance(error, SiteErrors) else [error]
    return [str(one) for one in found]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"content/about.de.md": "---\ntitle: Über uns\n---\nText.\n"},
            "content/about.de.md:1: is named as a translation into 'de' of content/about.md, "
            "but site/config.toml does not declare that language",
        ),
        (
            {"content/fr/about.md": "---\ntitle: À propos\n---\nTexte.\n"},
            "content/fr/about.md: it is the 'fr' version of about.md, as content/about.fr.md is",
        ),
        (
            {"content/equipe.fr.md": "---\ntitle: Équipe\nslug: about\n---\nTexte.\n"},
            "content/equipe.fr.md:3: its URL /fr/about/ is also the URL of content/about.fr.md",
        ),
        (
            {"content/notes.md": "---\ntitle: Notes\nurl: /fr/notes/\n---\nText.\n"},
            "content/notes.md:3: its URL /fr/notes/ is under /fr/, where the pages in 'fr' are",
        ),
        (
            {"content/hallo.md": "---\ntitle: Hallo\nlang: de\n---\nText.\n"},
            "content/hallo.md:3: 'lang: de' is not a language of this site",
        ),
    ],
)
def test_wrong_translations_are_errors_with_their_file(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    root = copy_fixture(tmp_path / "site")
    build(root)
    before = (root / "build/index.html").read_bytes()
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    found = errors_of(root)
    assert any(error.startswith(expected) for error in found), found
    assert (root / "build/index.html").read_bytes() == before  # the earlier build stays


@pytest.mark.parametrize(
    ("config", "line", "expected"),
    [
        ("[languages.xx]\n", 1, "language 'xx' is not a language Babel knows"),
        ("[languages.Fr-FR]\n", 1, "language 'Fr-FR' must be a language tag"),
        (
            '[languages.de]\nbase_url = "https://example.de/"\n',
            2,
            "'languages.de.base_url' cannot differ between languages",
        ),
        ("[languages.de]\nposts_per_page = 0\n", 2, "'languages.de.posts_per_page' must be"),
    ],
)
def test_wrong_languages_in_the_config_are_errors_with_their_line(
    tmp_path: Path, config: str, line: int, expected: str
) -> None:
    root = copy_fixture(tmp_path / "site")
    path = root / "site/config.toml"
    text = path.read_text("utf-8")
    path.write_text(text + "\n" + config, "utf-8")
    number = text.count("\n") + 1 + line
    found = errors_of(root)
    assert found[0].startswith(f"site/config.toml:{number}: {expected}"), found


def test_a_site_catalogue_overrides_and_adds_words(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "site")
    (root / "site/i18n").mkdir()
    (root / "site/i18n/fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Skip to content"\nmsgstr "Sauter au texte"\n',
        "utf-8",
    )
    build(root)
    french = parse(root / "build", "/fr/about/")
    assert french.css_first(".skip-link").text() == "Sauter au texte"
    assert french.css_first("#search-input").attributes["placeholder"] == "Rechercher (touche /)"
    (root / "site/i18n/fr.po").write_text('msgid "Skip to content"\n', "utf-8")
    assert errors_of(root) == [
        "site/i18n/fr.po: is not a gettext catalogue Babel can read: missing msgstr for msgid "
        "'Skip to content'"
    ]


def test_a_themes_catalogue_and_trans_blocks_are_read(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path / "site")
    theme = root / "themes/plain"
    (theme / "i18n").mkdir(parents=True)
    (theme / "templates").mkdir()
    (theme / "i18n/fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Read %(title)s"\nmsgstr "Lire %(title)s"\n',
        "utf-8",
    )
    (theme / "templates/page.html").write_text(
        '{% extends "base.html" %}{% block content %}<p class="read">'
        "{% trans title=page.title %}Read {{ title }}{% endtrans %}</p>{% endblock %}",
        "utf-8",
    )
    config = root / "site/config.toml"
    config.write_text('theme = "plain"\n' + config.read_text("utf-8"), "utf-8")
    build(root)
    assert parse(root / "build", "/fr/about/").css_first(".read").text() == "Lire À propos"
    assert parse(root / "build", "/about/").css_first(".read").text() == "Read About us"
    # A change to the theme's catalogue is a change of every page that uses it.
    po = theme / "i18n/fr.po"
    po.write_text(po.read_text("utf-8").replace("Lire", "Voir"), "utf-8")
    build(root)
    assert parse(root / "build", "/fr/about/").css_first(".read").text() == "Voir À propos"


def test_every_word_of_the_theme_is_translated_in_each_shipped_language() -> None:
    wanted = {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(REPOSITORY / "templates"),
            method_map=[("**.html", "jinja2")],
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        )
    }
    assert len(wanted) > 60
    for code in SHIPPED_LANGUAGES[1:]:
        catalog = read_po(io.BytesIO((SHIPPED / f"{code}.po").read_bytes()), locale=code)
        missing = [
            message
            for message in wanted
            if not (found := catalog.get(message if isinstance(message, str) else message[0]))
            or not all(found.string if isinstance(found.string, tuple) else [found.string])
        ]
        assert missing == [], code
    assert (SHIPPED / "en.po").is_file()


# In Chromium: the Arabic pages are laid out from the right, every language is valid.


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[str]:
    with serving(built) as url:
        yield url


def test_the_arabic_page_is_laid_out_right_to_left(served: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served + "/ar/posts/first-light/")
    box = page.evaluate(
        """() => {
          const rect = (selector) => document.querySelector(selector).getBoundingClientRect();
          return {
            direction: getComputedStyle(document.body).direction,
            title: rect(".site-title").left, nav: rect(".site-nav").left,
            heading: rect("h1").right, main: rect("main").right,
            headingLeft: rect("h1").left,
          };
        }"""
    )
    assert box["direction"] == "rtl"
    assert box["title"] > box["nav"]  # the site's title starts the header, on the right
    assert abs(box["heading"] - box["main"]) < 40  # text starts at the right edge
    english = browser.new_page(viewport={"width": 1280, "height": 900})
    english.goto(served + "/posts/first-light/")
    left = english.evaluate("document.querySelector('.site-title').getBoundingClientRect().left")
    assert left < box["nav"]
    page.close()
    english.close()


def test_every_language_passes_the_nu_checker_and_axe(built: Path, served: str, browser) -> None:
    assert nu_errors(built) == ""
    need(AXE.is_file(), "axe-core (npm install)")
    failures = []
    page = browser.new_page(bypass_csp=True)
    for url in [
        "/about/",
        "/fr/about/",
        "/ar/about/",
        "/fr/posts/first-light/",
        "/ar/",
        "/fr/tags/",
    ]:
        page.goto(served + url)
        failures += [f"{url} {violation}" for violation in axe_violations(page)]
    page.close()
    assert failures == [], "\n".join(failures)
