"""Whole-site builds: a sample site is frozen and the written files are checked."""

from __future__ import annotations

import gc
import os
import re
import shutil
import sys

import pytest
from PIL import Image
from sitecheck import parse, tree, unresolved_links

from frostpage import SiteError, SiteErrors, build, create_app
from frostpage.state import site_state

BASE_URL = "https://example.org/"


def errors_of(root) -> list[str]:
    with pytest.raises(SiteErrors) as caught:
        build(root)
    return [str(error) for error in caught.value.errors]


def test_every_page_is_written_at_its_pretty_url(site_root):
    result = build(site_root)
    out = site_root / "build"
    for name in (
        "index.html",
        "about/index.html",
        "about/team/index.html",
        "docs/index.html",
        "docs/intro/index.html",
        "posts/index.html",
        "posts/first/index.html",
        "posts/second/index.html",
        "tags/index.html",
        "tags/python/index.html",
        "tags/web-dev/index.html",
        "404.html",
        "static/css/site.css",
    ):
        assert (out / name).is_file(), name
    assert result.pages == len(list(out.rglob("*.html")))
    assert "Welcome." in (out / "index.html").read_text("utf-8")
    assert "Page not found" in (out / "404.html").read_text("utf-8")


def test_the_code_stylesheets_are_fingerprinted_and_cached_for_good(site_root):
    build(site_root)
    out = site_root / "build"
    assert not (out / "highlight.css").exists() and not (out / "highlight-dark.css").exists()
    (light,) = out.glob("highlight.*.css")
    (dark,) = out.glob("highlight-dark.*.css")
    page = (out / "docs/intro/index.html").read_text("utf-8")
    assert f'<link rel="stylesheet" href="/{light.name}">' in page
    assert f'href="/{dark.name}" media="(prefers-color-scheme: dark)"' in page
    headers = (out / "_headers").read_text("utf-8")
    for file in (light, dark):
        assert f"/{file.name}\n  Cache-Control: public, max-age=31536000, immutable" in headers
    # Another style is another name: browsers never keep the old one.
    config = site_root / "site/config.toml"
    config.write_text(config.read_text("utf-8") + '[markdown]\nhighlight_style = "monokai"\n')
    build(site_root)
    (changed,) = out.glob("highlight.*.css")
    assert changed.name != light.name


def test_other_files_of_content_are_published_at_their_path(write_site):
    root = write_site(
        {
            "content/docs/guide.md": (
                "# Guide\n\n![The home page](img/home.png)\n\n![Again](/docs/img/home.png)\n\n"
                "[The manual](manual.pdf)\n"
            ),
            "content/docs/manual.pdf": "PDF bytes",
            "content/.notes/secret.txt": "hidden",
        }
    )
    (root / "content/docs/img").mkdir()
    Image.new("RGB", (40, 30), "blue").save(root / "content/docs/img/home.png")
    png = (root / "content/docs/img/home.png").read_bytes()
    build(root)
    out = root / "build"
    # An image beside a page: under its fingerprinted name only, linked by it, kept for good.
    (image,) = (out / "docs/img").glob("home.*.png")
    assert re.fullmatch(r"home\.[0-9a-f]{10}\.png", image.name)
    assert image.read_bytes() == png
    guide = (out / "docs/guide/index.html").read_text("utf-8")
    assert guide.count(f' src="/docs/img/{image.name}"') == 2  # relative, and from the root
    headers = (out / "_headers").read_text("utf-8")
    assert (
        f"/docs/img/{image.name}\n  Cache-Control: public, max-age=31536000, immutable" in headers
    )
    # Any other file keeps its name; the preview serves images by their own names.
    assert (out / "docs/manual.pdf").read_text() == "PDF bytes"
    assert 'href="/docs/manual.pdf"' in guide
    assert not (out / ".notes").exists()
    preview = create_app(root, dev=True).test_client()
    assert 'src="/docs/img/home.png"' in preview.get("/docs/guide/").text
    with preview.get("/docs/img/home.png") as served:
        assert served.data == png
    # New bytes, a new name; the page that shows it follows.
    Image.new("RGB", (40, 30), "red").save(root / "content/docs/img/home.png")
    build(root)
    (changed,) = (out / "docs/img").glob("home.*.png")
    assert changed.name != image.name
    assert f'src="/docs/img/{changed.name}"' in (out / "docs/guide/index.html").read_text()


def test_a_file_whose_name_a_url_would_misread_is_an_error_naming_it(write_site):
    # '#', '?' and '%' start a fragment, a query and an escape: the file would be asked for
    # by another name, and the build would fail on a URL that names no file.
    root = write_site()
    build(root)
    before = tree(root / "build")
    for name in ("content/img/a#1.png", "content/b?.pdf", "content/c%41.txt", "static/d#e.css"):
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text("bytes")
    found = errors_of(root)
    assert [error.split(":")[0] for error in found] == [
        "content/b?.pdf",
        "content/c%41.txt",
        "content/img/a#1.png",
        "static/d#e.css",
    ]
    assert all("holds '#', '?' or '%', which a URL reads as" in error for error in found)
    assert tree(root / "build") == before


def test_a_content_file_may_not_replace_a_page(write_site):
    root = write_site()
    build(root)
    before = tree(root / "build")
    (root / "content/docs/index.html").write_text("<p>mine</p>")
    assert errors_of(root) == [
        "content/docs/index.html: it would replace the page at /docs/\n  hint: rename or move the file"
    ]
    assert tree(root / "build") == before


def test_drafts_are_absent_from_files_and_lists(site_root):
    build(site_root)
    out = site_root / "build"
    assert not (out / "posts/secret").exists()
    assert not (out / "tags/hidden").exists()
    for html_file in out.rglob("*.html"):
        text = html_file.read_text("utf-8")
        assert "Secret draft" not in text and "/posts/secret/" not in text, html_file


def test_tag_pages_are_complete(site_root):
    build(site_root)
    out = site_root / "build"
    python = out / "tags/python/index.html"
    text = python.read_text("utf-8")
    assert "First post" in text and "Second post" in text
    assert text.index("Second post") < text.index("First post")  # newest first
    tag_list = parse(out / "tags/index.html").links
    assert "/tags/python/" in tag_list and "/tags/web-dev/" in tag_list


def test_every_internal_link_resolves(site_root):
    build(site_root)
    assert unresolved_links(site_root / "build", BASE_URL) == []


def test_md_links_are_rewritten_in_the_output(site_root):
    build(site_root)
    about = parse(site_root / "build/about/index.html")
    assert "/docs/intro/#setup" in about.links


def test_a_rebuild_with_no_change_writes_nothing(site_root):
    build(site_root)
    before = tree(site_root / "build")
    result = build(site_root)
    assert result.written == 0
    assert tree(site_root / "build") == before


def test_a_change_rewrites_only_what_changed(site_root):
    build(site_root)
    before = tree(site_root / "build")
    (site_root / "content/about/team.md").write_text("# The team\n\nMore people.\n", "utf-8")
    result = build(site_root)
    after = tree(site_root / "build")
    changed = {name for name in after if after[name] != before.get(name)}
    index = {name for name in changed if name.startswith("_search/")}
    # The page, its section's page and the two indexes that show its summary, and the
    # search index's parts that hold its words and its text.
    expected = {"about/team/index.html", "about/index.html", "search.json", "api/pages.json"}
    assert changed - index == expected
    assert "_search/index.json" in index and len(index) < 6
    assert result.written == len(changed)


def test_warnings_name_drafts_and_unused_templates(write_site):
    root = write_site({"templates/wide.html": '{% extends "page.html" %}'})
    warnings = build(root).warnings
    assert "content/posts/secret.md: a draft, not published" in warnings
    assert "templates/wide.html: not used by any page" in warnings


def test_two_builds_are_byte_identical(write_site, tmp_path):
    first = write_site(root=tmp_path / "one")
    second = write_site(root=tmp_path / "two")
    build(first)
    build(second)
    one = {name: data for name, (data, _, _) in tree(first / "build").items()}
    two = {name: data for name, (data, _, _) in tree(second / "build").items()}
    assert one == two


def test_a_failed_build_leaves_the_previous_build_untouched(site_root):
    build(site_root)
    before = tree(site_root / "build")
    source = site_root / "content/about.md"
    source.write_text("---\ntitle: [broken\n---\n", "utf-8")
    assert errors_of(site_root)[0].startswith("content/about.md:2: invalid YAML")
    assert tree(site_root / "build") == before
    assert source.read_text("utf-8") == "---\ntitle: [broken\n---\n"
    assert not [p for p in site_root.iterdir() if p.name.startswith(".build-")]


def test_every_error_is_reported_not_only_the_first(write_site):
    root = write_site(
        {
            "content/a.md": "---\ndate: yesterday\n---\n",
            "content/b.md": "---\n- a list\n---\n",
            "content/c.md": "See [missing](missing.md).\n",
        }
    )
    assert errors_of(root) == [
        "content/a.md:2: 'date' is not a date: 'yesterday'\n"
        "  hint: write it as YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with an optional time zone",
        "content/b.md:2: front matter must be a mapping of keys to values, not a list\n"
        "  hint: write one 'key: value' per line, e.g. 'title: My page'",
        "content/c.md:1: broken link 'missing.md': there is no page content/missing.md",
    ]


@pytest.mark.parametrize("front", ["title: Undated", "title: Bad\ndate: someday"])
def test_a_post_without_a_valid_date_fails_the_build(write_site, front):
    root = write_site({"content/posts/undated.md": f"---\n{front}\n---\nText.\n"})
    errors = errors_of(root)
    assert len(errors) == 1 and errors[0].startswith("content/posts/undated.md:")
    assert "date" in errors[0]


def test_broken_link_in_markdown_names_the_file_and_line(write_site):
    root = write_site(
        {
            "content/about.md": (
                "---\ntitle: About\n---\nIntro.\n\nGo [there](/docs/intro/#nowhere).\n"
            )
        }
    )
    assert errors_of(root) == [
        "content/about.md:6: broken link '/docs/intro/#nowhere': has no anchor '#nowhere' "
        "in docs/intro/index.html"
    ]


def test_broken_link_in_a_template_names_the_template(write_site):
    root = write_site()
    tags = root / "templates/tags.html"
    tags.write_text(
        tags.read_text("utf-8").replace(
            '<h1>{{ _("Tags") }}</h1>', '<h1><a href="/archiv/">Tags</a></h1>'
        )
    )
    errors = errors_of(root)
    assert errors == [
        "templates/tags.html: broken link '/archiv/': points to no file (in /tags/index.html)\n"
        "  hint: did you mean /archive/?"
    ]


def test_a_broken_link_is_never_said_to_mean_the_page_it_is_on(write_site):
    root = write_site({"content/notes/python.md": "# Python\n\nSee [this](pythn.md).\n"})
    errors = errors_of(root)
    assert errors[0] == (
        "content/notes/python.md:3: broken link 'pythn.md': there is no page content/notes/pythn.md"
    )


def test_a_big_site_names_the_template_of_a_broken_link_too(write_site):
    root = write_site(many_posts(12))  # its URLs are written in several slices
    page = root / "templates/section.html"  # about.md's (beside about/) and docs/index.md's
    page.write_text(page.read_text("utf-8").replace("</h1>", '<a href="/nowhere/">x</a></h1>', 1))
    message = (
        "templates/section.html: broken link '/nowhere/': points to no file (in /{}index.html)"
    )
    assert set(errors_of(root)) == {
        message.format("about/") + "\n  hint: did you mean /docs/?",
        message.format("docs/"),  # never "did you mean" the page the link is on
    }


def test_undefined_template_variable_fails_the_build_naming_the_template(write_site):
    root = write_site()
    page = root / "templates/doc.html"
    text = page.read_text("utf-8")
    line = text[: text.index("{{ page.title }}</h1>")].count("\n") + 1
    page.write_text(text.replace("{{ page.title }}</h1>", "{{ page.titel }}</h1>"))
    [error] = errors_of(root)
    assert error.startswith(f"templates/doc.html:{line}: template error:")
    assert "titel" in error


def test_unknown_template_in_front_matter_names_the_page(write_site):
    root = write_site({"content/about.md": "---\ntitle: About\ntemplate: fancy.html\n---\n"})
    [error] = errors_of(root)
    assert error.startswith("content/about.md:3: unknown template 'fancy.html'")


def test_url_conflicts_stop_the_build_with_both_files(write_site):
    root = write_site({"content/about/index.md": "Other about.\n"})
    assert errors_of(root) == [
        "content/about/index.md: its URL /about/ is also the URL of content/about.md\n"
        "  hint: rename one of the files or give one another 'slug'"
    ]


def test_refuses_unsafe_destinations(site_root, tmp_path):
    (site_root / "other/content").mkdir(parents=True)
    for destination, reason in (
        (site_root, "is the project folder"),
        (site_root / "other", "holds files frostpage did not make (content)"),
        (site_root / "content", "is inside a source folder"),
        (tmp_path / "elsewhere", "lies outside the project"),
        (site_root / "static" / "out", "is inside a source folder"),
    ):
        with pytest.raises(SiteError) as caught:
            build(site_root, destination)
        assert reason in str(caught.value)
    assert (site_root / "content/about.md").is_file()
    build(site_root, tmp_path / "elsewhere", force=True)
    assert (tmp_path / "elsewhere/index.html").is_file()


def test_special_file_names_and_bom_and_empty_files_work(write_site):
    root = write_site(
        {
            "content/Notes and Ideas/Café Crème.md": "\ufeff---\ntitle: Crème\n---\nWith a BOM.\n",
            "content/empty-one.md": "",
            "content/index.md": "[c](Notes and Ideas/Café Crème.md) [e](empty-one.md)\n",
        }
    )
    build(root)
    out = root / "build"
    assert "With a BOM." in (out / "notes-and-ideas/café-crème/index.html").read_text("utf-8")
    assert "<title>Empty one" in (out / "empty-one/index.html").read_text("utf-8")
    assert "/notes-and-ideas/caf%C3%A9-cr%C3%A8me/" in parse(out / "index.html").links
    assert unresolved_links(out, BASE_URL) == []


def test_non_utf8_file_is_a_clear_error(write_site):
    root = write_site()
    (root / "content/latin1.md").write_bytes("title\n\ncaf\xe9\n".encode("latin-1"))
    assert errors_of(root) == [
        "content/latin1.md:3: is not UTF-8 text\n  hint: save the file with the UTF-8 encoding"
    ]


def test_site_under_a_sub_path_prefixes_every_link(write_site):
    root = write_site(
        config='title = "Sub"\nbase_url = "https://example.org/blog/"\n'
        '[[nav]]\ntitle = "Docs"\nurl = "/docs/"\n'
    )
    build(root)
    out = root / "build"
    assert unresolved_links(out, "https://example.org/blog/") == []
    for html_file in out.rglob("*.html"):
        for link in parse(html_file).links:
            if link.startswith("/"):
                assert link.startswith("/blog/"), (html_file, link)


def test_a_symlink_loop_in_content_is_a_clear_error(write_site):
    root = write_site()
    (root / "content/docs/loop").symlink_to(root / "content")
    (root / "content/self.md").symlink_to(root / "content/self.md")
    assert errors_of(root) == [
        "content/docs/loop: is a symbolic link loop: it points to a folder that contains it\n"
        "  hint: remove it",
        f"content/self.md: is a symbolic link that leads nowhere or in a loop (to {root}/content/self.md)\n"
        "  hint: remove it",
    ]


def test_a_linked_folder_is_reported_as_not_followed(write_site):
    root = write_site()
    (root / "notes").mkdir()
    (root / "content/shared").symlink_to(root / "notes")
    result = build(root)
    assert "content/shared: a link to a folder is not followed; copy it" in result.warnings


def test_template_syntax_error_fails_the_build_with_template_and_line(write_site):
    root = write_site()
    (root / "templates/tags.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{% for x in tags %}\n{% endblock %}\n'
    )
    [error] = errors_of(root)
    assert error.startswith(
        "templates/tags.html:4: template syntax error: Encountered unknown tag 'endblock'"
    )


def test_broken_md_link_suggests_the_nearest_page(write_site):
    root = write_site({"content/about.md": "Read [intro](docs/intr.md).\n"})
    assert errors_of(root) == [
        "content/about.md:1: broken link 'docs/intr.md': there is no page content/docs/intr.md\n"
        "  hint: did you mean docs/intro.md?"
    ]


def test_a_ten_megabyte_page_builds(write_site):
    sentence = "Plain words, *some emphasis*, `code` and a [link](/) in a long paragraph. "
    section = "## Part {n}\n\n" + (sentence * 12 + "\n\n") * 8
    body = "".join(section.format(n=n) for n in range(20000))[: 10 * 1024 * 1024]
    root = write_site({"content/huge.md": "---\ntitle: Huge\n---\n" + body})
    build(root)
    html = (root / "build/huge/index.html").read_text("utf-8")
    assert len(html) > 10 * 1024 * 1024
    assert '<h2 id="part-1000">' in html


def many_posts(count: int) -> dict[str, str]:
    return {
        f"content/posts/post-{n:03d}.md": (
            f"---\ntitle: Post {n}\ndate: 2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}\n"
            f'tags: [tag-{n % 7}, Common]\n---\n"Quoted" text of [post {n}](../index.md).\n'
        )
        for n in range(count)
    }


def test_building_on_every_core_writes_the_same_bytes_as_one_process(
    write_site, tmp_path, monkeypatch
):
    # The theme calls this hook on every page: it notes which process wrote the page.
    writers = tmp_path / "writers.txt"
    hooks = (
        "import os\n"
        "def note():\n"
        f"    with open({str(writers)!r}, 'a') as file:\n"
        "        file.write(f'{os.getpid()}\\n')\n"
        "    return ''\n"
        "template_globals = {'note': note}\n"
    )
    files = {**many_posts(150), "site/hooks.py": hooks}
    root = write_site(files)
    post = root / "templates/post.html"
    post.write_text(
        post.read_text("utf-8").replace("{% block content %}", "{% block content %}{{ note() }}", 1)
    )
    monkeypatch.setattr(os, "cpu_count", lambda: 4)  # workers even on a one-core machine
    build(root, tmp_path / "on-every-core", force=True)
    assert len(set(writers.read_text().split())) > 1  # the pages were written by workers
    for module in ("frostpage.parallel", "frostpage.freezer"):
        monkeypatch.setattr(sys.modules[module], "MINIMUM_FOR_WORKERS", 10**9)
    shutil.rmtree(root / ".frostpage-cache")
    writers.unlink()
    build(root, tmp_path / "in-one-process", force=True)
    assert set(writers.read_text().split()) == {str(os.getpid())}
    first, second = tmp_path / "on-every-core", tmp_path / "in-one-process"
    names = sorted(path.relative_to(first) for path in first.rglob("*") if path.is_file())
    assert len(names) > 300
    assert names == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_cyclic_collector_runs_only_where_pages_and_urls_are_worked_on(
    write_site, tmp_path, monkeypatch
):
    """The build's own data (the model, the record, the search index) has no cycles, and
    the collector's passes over it took a twentieth of a one-page rebuild: it runs where
    Markdown, Flask and Jinja make cycles (in_workers), and is left as it was found, even
    by a build that fails."""
    stop = tmp_path / "stop"
    hooks = (
        "import os\n"
        "class Knot:\n"
        "    def __init__(self):\n"
        "        self.itself = self\n"
        "def tangle():\n"
        f"    if os.path.exists({str(stop)!r}):\n"
        "        raise RuntimeError('stopped')\n"
        "    for _ in range(5000):\n"
        "        Knot()\n"
        "    return ''\n"
        "template_globals = {'tangle': tangle}\n"
    )
    root = write_site({**many_posts(30), "site/hooks.py": hooks})
    post = root / "templates/post.html"
    text = post.read_text("utf-8")
    post.write_text(text.replace("{% block content %}", "{% block content %}{{ tangle() }}", 1))
    data = {"build_site", "load_record", "documents", "file_dates", "publish", "save_record"}
    collecting: dict[str, set[bool]] = {}
    collected = [0]

    def called(frame, event: str, argument: object) -> None:
        name = frame.f_code.co_name
        if event == "call" and (name in data or name == "tangle"):
            collecting.setdefault(name, set()).add(gc.isenabled())

    def noticed(phase: str, info: dict) -> None:
        collected[0] += info.get("collected", 0)

    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # every page written in this process
    before = gc.get_threshold()
    gc.callbacks.append(noticed)
    sys.setprofile(called)
    try:
        build(root)
    finally:
        sys.setprofile(None)
        gc.callbacks.remove(noticed)
    assert collecting == {name: {False} for name in data} | {"tangle": {True}}
    assert collected[0] > 100 * 1000  # most of the knots, while pages were written
    assert (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()) == (True, before, 0)
    stop.touch()
    with pytest.raises(Exception, match="stopped"):
        build(root, full=True)
    assert (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()) == (True, before, 0)


def test_unused_templates_are_named_when_pages_are_written_on_every_core(write_site):
    files = many_posts(150)
    files["templates/wide.html"] = '{% extends "page.html" %}'
    files["templates/unused.html"] = '{% extends "page.html" %}'
    files["content/wide.md"] = "---\ntitle: Wide\ntemplate: wide.html\n---\nWide.\n"
    warnings = build(write_site(files)).warnings
    assert [w for w in warnings if w.startswith("templates/")] == [
        "templates/unused.html: not used by any page"
    ]


def test_an_error_while_writing_on_every_core_is_reported_as_in_one_process(write_site):
    root = write_site(many_posts(150))
    post = root / "templates/post.html"
    post.write_text(post.read_text("utf-8").replace("{{ page.title }}", "{{ missing }}", 1))
    with pytest.raises(SiteErrors) as caught:
        build(root)
    assert [error.path for error in caught.value.errors] == ["templates/post.html"]
    assert "'missing' is undefined" in str(caught.value)


@pytest.mark.parametrize("cores", [1, 2])  # files read here, or in workers
def test_files_read_on_every_core_give_the_pages_and_errors_one_process_gives(
    write_site, monkeypatch, cores
):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    posts = {
        f"content/posts/p{n:02}.md": f"---\ntitle: Post {n}\ndate: 2025-01-{n % 28 + 1:02}\n---\nText {n}.\n"
        for n in range(80)
    }
    bad = {
        "content/posts/p10.md": "---\ntitle: [unclosed\ndate: 2025-01-01\n---\nText.\n",
        "content/posts/p20.md": None,
        "content/posts/p30.markdown": "---\ntitle: Twice\ndate: 2025-01-01\n---\nText.\n",
    }
    root = write_site({**posts, **bad}, sample=False)
    (root / "content/posts/p20.md").write_bytes(b"---\ntitle: Caf\xe9\n---\n")
    with pytest.raises(SiteErrors) as raised:
        build(root)
    assert len(raised.value.errors) == 3
    messages = [str(error) for error in raised.value.errors]
    assert messages[0].startswith("content/posts/p10.md:2: invalid YAML in front matter")
    assert messages[1].startswith("content/posts/p20.md:2: is not UTF-8 text")
    # Neither file that could not be read is taken for a translation of the other.
    assert messages[2].startswith("content/posts/p30.md: content/posts/p30.markdown is the same")
    for name in bad:
        (root / name).unlink()
    (root / "content/posts/p10.md").write_text(posts["content/posts/p10.md"], "utf-8")
    result = build(root)
    built = root / "build/posts"
    assert sorted(path.name for path in built.glob("p[0-9]*")) == [
        f"p{n:02}" for n in range(80) if n != 20
    ]
    assert "Text 41." in (built / "p41/index.html").read_text("utf-8")
    assert "<title>Post 10" in (built / "p10/index.html").read_text("utf-8")
    # The pages read in workers were kept in the cache: the next start parses again only
    # the two the cache had not seen when it was last written (it is written after a build
    # that parsed one page in twenty or more).
    app = create_app(root, dev=True)  # reads every file here, each parse counted
    with app.app_context():
        files = site_state(app).files
        assert len(files.all()) == 79 and files.parsed <= 2
    assert result.pages >= 79
