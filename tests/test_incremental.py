"""Rebuilds: only the URLs whose inputs changed are requested again, and the result is
always what a full build writes."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import BASE_CONFIG
from hypothesis import given, settings
from hypothesis import strategies as st
from sitecheck import contents, tree

from frostpage import SiteErrors, build, feeds, links
from frostpage.app import create_app
from frostpage.cache import WordsCache
from frostpage.incremental import (
    BuildRecord,
    Written,
    load_record,
    load_stamped,
    record_path,
    save_record,
)
from frostpage.snapshot import snapshot_path, walked_output_digest
from frostpage.state import site_state

# A template global that the build does not follow: it shows which pages were written by
# which build (the reason `frostpage build --full` exists).
HOOKS = """\
import os

template_globals = {"build_mark": lambda: os.environ.get("BUILD_MARK", "")}
"""
MARKED_BASE = "<!-- mark: {{ build_mark() }} -->\n"


def marked_site(write_site, files=None):
    root = write_site({"site/hooks.py": HOOKS, **(files or {})})
    base = root / "templates/base.html"
    base.write_text(base.read_text("utf-8") + MARKED_BASE, "utf-8")
    return root


def mark_of(root, name: str) -> str:
    text = (root / "build" / name).read_text("utf-8")
    return text.rsplit("<!-- mark: ", 1)[1].split(" -->", 1)[0]


def full_build_of(root, tmp_path):
    """What a build from nothing writes, for comparison."""
    out = tmp_path / "full"
    build(root, out, force=True, full=True)
    return contents(out)


def test_an_edited_page_requests_only_the_urls_that_show_its_text(
    write_site, tmp_path, monkeypatch
):
    root = marked_site(write_site)
    monkeypatch.setenv("BUILD_MARK", "first")
    first = build(root)
    assert first.requested == first.files
    monkeypatch.setenv("BUILD_MARK", "second")
    (root / "content/about/team.md").write_text("# The team\n\nMore people.\n", "utf-8")
    second = build(root)
    assert "More people." in (root / "build/about/team/index.html").read_text("utf-8")
    assert mark_of(root, "about/team/index.html") == "second"
    for kept in ("index.html", "docs/index.html", "posts/first/index.html", "tags/index.html"):
        assert mark_of(root, kept) == "first", kept
    assert second.requested < second.files / 2
    assert "kept from the last build" in second.summary()


def test_a_rebuild_writes_the_same_bytes_as_a_full_build(write_site, tmp_path):
    root = write_site()
    build(root)
    post = root / "content/posts/second.md"
    post.write_text(post.read_text("utf-8") + "\n## A new part\n\nWith more words.\n", "utf-8")
    build(root)
    assert contents(root / "build") == full_build_of(root, tmp_path)


@pytest.mark.parametrize(
    "change",
    [
        ("content/posts/first.md", "title: First post", "title: The first post"),
        ("templates/base.html", "</body>", "<!-- changed --></body>"),
        ("site/config.toml", 'title = "Test site"', 'title = "Another title"'),
        ("static/css/site.css", "body", "body "),
    ],
    ids=["front matter", "the base template", "config", "static file"],
)
def test_other_changes_request_every_url_again(write_site, tmp_path, monkeypatch, change):
    root = marked_site(write_site)
    monkeypatch.setenv("BUILD_MARK", "first")
    build(root)
    name, old, new = change
    path = root / name
    assert old in path.read_text("utf-8")
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")
    monkeypatch.setenv("BUILD_MARK", "second")
    result = build(root)
    # Every page; every other URL but where only templates changed (feeds, the sitemap and
    # the like render none); of the search index, the files whose bytes change.
    pages = [path.relative_to(root / "build") for path in (root / "build").rglob("*.html")]
    assert pages and all(mark_of(root, page) == "second" for page in pages)
    if not name.startswith("templates/"):
        index = {path for path in (root / "build/_search").rglob("*") if path.is_file()}
        assert result.files - len(index) <= result.requested < result.files


def test_an_edited_template_requests_only_the_urls_that_render_it(
    write_site, tmp_path, monkeypatch
):
    root = marked_site(write_site)
    monkeypatch.setenv("BUILD_MARK", "first")
    build(root)
    post = root / "templates/post.html"
    post.write_text(post.read_text("utf-8").replace("</article>", "</article><!-- new -->"))
    monkeypatch.setenv("BUILD_MARK", "second")
    build(root)
    for written in ("posts/first/index.html", "posts/second/index.html"):
        assert mark_of(root, written) == "second"
        assert "<!-- new -->" in (root / "build" / written).read_text("utf-8")
    for kept in ("index.html", "about/index.html", "tags/index.html", "posts/index.html"):
        assert mark_of(root, kept) == "first", kept
    # A template that names what it includes at run time may include any: its URLs are
    # written again whichever template changes.
    tags = root / "templates/tags.html"
    tags.write_text(tags.read_text("utf-8") + '{% include "_" ~ "none.html" ignore missing %}')
    monkeypatch.setenv("BUILD_MARK", "third")
    build(root)
    assert mark_of(root, "tags/index.html") == "third"
    (root / "templates/unrelated.html").write_text("{{ 1 }}", "utf-8")
    monkeypatch.setenv("BUILD_MARK", "fourth")
    result = build(root)
    assert mark_of(root, "tags/index.html") == "fourth"
    assert mark_of(root, "posts/first/index.html") == "second"
    assert "templates/unrelated.html: not used by any page" in result.warnings


@pytest.mark.parametrize("template", ["post.html", "_macros.html", "base.html"])
def test_a_rebuild_after_a_template_edit_writes_the_same_bytes_as_a_full_build(
    write_site, tmp_path, template
):
    root = write_site()
    build(root)
    path = root / "templates" / template
    path.write_text(path.read_text("utf-8") + "{# edited #}<!-- edited -->", "utf-8")
    build(root)
    assert contents(root / "build") == full_build_of(root, tmp_path)


def test_full_requests_every_url(write_site, monkeypatch):
    root = marked_site(write_site)
    monkeypatch.setenv("BUILD_MARK", "first")
    build(root)
    monkeypatch.setenv("BUILD_MARK", "second")
    build(root)
    assert mark_of(root, "about/index.html") == "first"
    result = build(root, full=True)
    assert result.requested == result.files
    assert mark_of(root, "about/index.html") == "second"


def test_a_rebuild_moves_in_only_its_new_files(site_root, tmp_path):
    build(site_root)
    files = [path for path in (site_root / "build").rglob("*") if path.is_file()]
    before = {path: path.stat().st_ino for path in files}
    team = site_root / "content/about/team.md"
    team.write_text(team.read_text("utf-8") + "\nOne more person.\n", "utf-8")
    result = build(site_root)
    assert 0 < result.written < 5
    moved = [path for path, inode in before.items() if path.stat().st_ino != inode]
    assert site_root / "build/about/team/index.html" in moved and len(moved) == result.written
    # Every file has one name: no other copy of the build links to it.
    assert {path.stat().st_nlink for path in files} == {1}
    assert not list((site_root / ".frostpage-cache").rglob("*.previous"))
    assert contents(site_root / "build") == full_build_of(site_root, tmp_path)


def test_a_publish_stopped_halfway_is_made_whole_by_the_next_build(
    site_root, tmp_path, monkeypatch
):
    build(site_root)
    team = site_root / "content/about/team.md"
    team.write_text(team.read_text("utf-8") + "\nOne more person.\n", "utf-8")
    real_replace, moved = os.replace, []

    def replace(source, target, *args, **kwargs):
        if str(target).startswith(f"{site_root / 'build'}/"):
            if moved:
                raise OSError("the disk went away")
            moved.append(target)
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="the disk went away"):
        build(site_root)
    monkeypatch.undo()
    assert len(moved) == 1  # build/ holds one new file among the old ones
    result = build(site_root)
    assert result.requested == result.files  # nothing of the half-published build is trusted
    assert contents(site_root / "build") == full_build_of(site_root, tmp_path)


@pytest.mark.parametrize("cores", [1, 2])  # looked at here, or on another core
def test_a_file_changed_in_build_by_hand_is_written_again(site_root, monkeypatch, cores):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    build(site_root)
    about = site_root / "build/about/index.html"
    original = about.read_bytes()
    about.write_text("edited by hand", "utf-8")
    result = build(site_root)
    assert about.read_bytes() == original
    assert result.written == 1


@pytest.mark.parametrize("cores", [1, 2])
def test_a_file_of_the_search_index_changed_by_hand_is_written_again(site_root, monkeypatch, cores):
    """The index is kept, or patched, from its files in build/: not one changed by hand."""
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    build(site_root)
    files = sorted((site_root / "build/_search").rglob("*.json"))
    words = next(path for path in files if path.parent.name == "words")
    words.write_text("{}", "utf-8")
    build(site_root)
    full = site_root / "full"
    build(site_root, full, full=True)
    for path in files:
        assert path.read_bytes() == (full / path.relative_to(site_root / "build")).read_bytes()


def test_the_link_check_reads_again_only_files_whose_bytes_or_stats_changed(site_root, monkeypatch):
    """A file written again with the bytes and the stat it had (the sitemap, after the
    page it dates changed) is not read again; one changed by hand is."""
    build(site_root)
    read: list[str] = []  # under the build folder or its staging folder
    original = links._read

    def reading(path: str) -> links._Document:
        read.append("/".join(Path(path).relative_to(site_root).parts[1:]))
        return original(path)

    monkeypatch.setattr(links, "_read", reading)
    team = site_root / "content/about/team.md"
    team.write_text(team.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    build(site_root)
    assert read == ["about/team/index.html"]
    sitemap = site_root / "build/sitemap.xml"
    sitemap.write_bytes(sitemap.read_bytes())  # the same bytes, by hand: its stat changed
    team.write_text(team.read_text("utf-8") + "\nAnd another.\n", "utf-8")
    read.clear()
    build(site_root)
    assert sorted(read) == ["about/team/index.html", "sitemap.xml"]


def test_the_sitemap_is_kept_until_a_date_it_shows_changes(site_root, tmp_path, monkeypatch):
    """A dated post edited: the sitemap is kept, not even made. A page without a date
    touched (its text the same, so nothing else is written): its <lastmod> moves."""
    build(site_root)
    made, original = [], feeds.sitemap
    monkeypatch.setattr(feeds, "sitemap", lambda entries: made.append(entries) or b"")
    post = site_root / "content/posts/first.md"
    post.write_text(post.read_text("utf-8") + "\nMore.\n", "utf-8")
    build(site_root)
    assert made == []
    monkeypatch.setattr(feeds, "sitemap", original)
    sitemap = site_root / "build/sitemap.xml"
    os.utime(site_root / "content/about/team.md", (1700000000, 1700000000))
    build(site_root)
    entry = "<loc>https://example.org/about/team/</loc>\n    <lastmod>2023-11-14</lastmod>"
    assert entry in sitemap.read_text("utf-8")
    assert contents(site_root / "build") == full_build_of(site_root, tmp_path)


def test_a_deleted_file_of_build_is_written_again(site_root):
    build(site_root)
    (site_root / "build/docs/intro/index.html").unlink()
    build(site_root)
    assert "Setup" in (site_root / "build/docs/intro/index.html").read_text("utf-8")


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage"])
def test_a_damaged_record_is_ignored(site_root, tmp_path, damage):
    build(site_root)
    record = record_path(site_root, site_root / "build")
    assert record.is_file()
    record.write_bytes(damage)
    (site_root / "content/about.md").write_text("---\ntitle: About us\n---\nNew.\n", "utf-8")
    result = build(site_root)
    assert result.requested == result.files
    assert contents(site_root / "build") == full_build_of(site_root, tmp_path)


def test_a_record_without_a_field_this_code_keeps_is_ignored(site_root, tmp_path):
    """As one saved by other code under the same stamp: never trusted in part."""
    build(site_root)
    base = record_path(site_root, site_root / "build").with_suffix(".base")
    stamp, (base_id, record) = pickle.loads(base.read_bytes())
    del record.folders
    base.write_bytes(pickle.dumps((stamp, (base_id, record))))
    (site_root / "content/about.md").write_text("---\ntitle: About us\n---\nNew.\n", "utf-8")
    result = build(site_root)
    assert result.requested == result.files
    assert contents(site_root / "build") == full_build_of(site_root, tmp_path)


def test_a_removed_heading_breaks_a_link_from_an_unchanged_page(site_root):
    build(site_root)
    before = tree(site_root / "build")
    intro = site_root / "content/docs/intro.md"
    intro.write_text(intro.read_text("utf-8").replace("## Setup", "## Installing"), "utf-8")
    with pytest.raises(SiteErrors) as caught:
        build(site_root)
    assert [str(error) for error in caught.value.errors] == [
        "content/about.md:6: broken link '/docs/intro/#setup': "
        "has no anchor '#setup' in docs/intro/index.html"
    ]
    assert tree(site_root / "build") == before


def test_a_heading_added_then_removed_breaks_the_link_made_to_it_meanwhile(site_root):
    """The anchors a rebuild found in a page it read again are those the next builds
    compare with: removing the heading later still breaks the link from a page kept."""
    build(site_root)
    intro = site_root / "content/docs/intro.md"
    text = intro.read_text("utf-8")
    intro.write_text(text + "\n## Fresh part\n\nNew.\n", "utf-8")
    build(site_root)
    about = site_root / "content/about.md"
    about.write_text(about.read_text("utf-8") + "\nSee [it](docs/intro.md#fresh-part).\n")
    build(site_root)
    intro.write_text(text, "utf-8")
    with pytest.raises(SiteErrors) as caught:
        build(site_root)
    assert "has no anchor '#fresh-part'" in str(caught.value)


def test_after_a_failed_build_the_next_one_is_still_right(site_root, tmp_path):
    build(site_root)
    about = site_root / "content/about.md"
    about.write_text("---\ntitle: About us\n---\nSee [nothing](nope.md).\n", "utf-8")
    with pytest.raises(SiteErrors):
        build(site_root)
    about.write_text("---\ntitle: About us\n---\nFixed.\n", "utf-8")
    build(site_root)
    assert "Fixed." in (site_root / "build/about/index.html").read_text("utf-8")
    assert contents(site_root / "build") == full_build_of(site_root, tmp_path)


def test_each_build_folder_has_its_own_record(site_root, tmp_path):
    build(site_root)
    other = site_root / "elsewhere"
    first = build(site_root, other)
    assert first.requested == first.files  # nothing of build/ is taken for elsewhere/
    assert contents(other) == contents(site_root / "build")


def test_round_after_round_the_build_is_what_a_full_build_writes(site_root, tmp_path):
    """Each build starts from the one before the last (kept aside): whatever changes, the
    result is exact, and a failed build in between changes nothing."""
    content = site_root / "content"
    rounds = [
        lambda: (content / "posts/second.md").write_text(
            "---\ntitle: Second post\ndate: 2025-02-20\ntags: [Python]\n---\nEdited.\n", "utf-8"
        ),
        lambda: (content / "notes.md").write_text("# Notes\n\n## Today\n\nA new page.\n", "utf-8"),
        lambda: (content / "about/team.md").unlink(),
        lambda: (content / "posts/first.md").write_text(
            "---\ntitle: First post\ndate: 2025-01-10\ntags: [Go]\n---\nRetagged.\n", "utf-8"
        ),
        lambda: (content / "notes.md").write_text("# Notes\n\nShorter.\n", "utf-8"),
    ]
    build(site_root)
    for number, change in enumerate(rounds):
        change()
        build(site_root)
        assert contents(site_root / "build") == full_build_of(site_root, tmp_path), number
        if number == 2:
            before = tree(site_root / "build")
            (content / "broken.md").write_text("See [x](missing.md).\n", "utf-8")
            with pytest.raises(SiteErrors):
                build(site_root)
            assert tree(site_root / "build") == before
            (content / "broken.md").unlink()
    assert not (site_root / "build/about/team").exists()
    assert not [path for path in site_root.iterdir() if path.name.startswith(".build-")]


def test_a_file_where_a_folder_is_now_needed_is_replaced(write_site, tmp_path):
    root = write_site({"content/news": "a file of content/ without a suffix"})
    build(root)
    build(root)  # the first build is now the spare, with its file 'news'
    (root / "content/news").unlink()
    (root / "content/news").mkdir()
    (root / "content/news/today.md").write_text("# Today\n\nNews.\n", "utf-8")
    build(root)
    assert (root / "build/news/today/index.html").is_file()
    assert contents(root / "build") == full_build_of(root, tmp_path)


@pytest.mark.parametrize("cores", [1, 2])  # folders looked at here, or on another core
def test_a_rebuild_lists_only_the_folders_changed_since_and_removes_all_put_there(
    site_root, tmp_path, monkeypatch, cores
):
    """build/ is listed again only where a folder's change time moved since the last build
    was published (one listing per folder took a second on a hundred thousand pages):
    whatever was put there by hand goes all the same."""
    out = site_root / "build"
    monkeypatch.setattr(os, "cpu_count", lambda: cores)

    def edit(name):
        page = site_root / "content" / name
        page.write_text(page.read_text("utf-8") + f"\nEdited {time.time_ns()}.\n", "utf-8")

    build(site_root)
    edit("about/team.md")
    build(site_root)  # a rebuild: its record lists the folders as it left them
    time.sleep(0.05)  # past the tick of the file system's clock that listing was made in
    (out / "about/team/junk.txt").write_text("mine", "utf-8")
    (out / "mine/deep").mkdir(parents=True)
    (out / "mine/deep/notes.txt").write_text("mine", "utf-8")
    (out / "posts/empty").mkdir()
    docs = out / "docs"
    stat = docs.stat()
    (docs / "extra.html").write_text("mine", "utf-8")
    os.utime(docs, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # its change time moves still
    listed = []
    real_scandir = os.scandir

    def scandir(path="."):
        if str(path).startswith(str(out)):
            listed.append(Path(path).relative_to(out).as_posix())
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    edit("posts/first.md")
    result = build(site_root)
    monkeypatch.undo()
    assert "kept from the last build" in result.summary()
    assert {"about/team", "mine", "mine/deep", "posts", "docs"} <= set(listed)
    folders = {path for path in out.rglob("*") if path.is_dir()}
    assert len(set(listed)) < len(folders) / 2, (listed, len(folders))
    assert not [path for path in out.rglob("*") if path.name in ("junk.txt", "mine", "empty")]
    assert contents(out) == full_build_of(site_root, tmp_path)
    assert build(site_root).up_to_date


def test_a_page_read_by_a_hook_filter_in_a_list_is_followed(write_site):
    hooks = 'template_filters = {"words": lambda page: len(page.body.split())}\n'
    first_post = (
        "---\ntitle: First post\ndate: 2025-01-10\ntags: [Python]\nsummary: Hi.\n---\nHello.\n"
    )
    # With its own summary, the list shows no text of the post: only the filter reads it.
    root = write_site({"site/hooks.py": hooks, "content/posts/first.md": first_post})
    macros = root / "templates/_macros.html"
    text = macros.read_text("utf-8")
    assert "{{ post.title }}</a>" in text
    macros.write_text(
        text.replace("{{ post.title }}</a>", "{{ post.title }}</a> [{{ post|words }} words]")
    )
    build(root)
    assert "First post</a> [1 words]" in (root / "build/tags/python/index.html").read_text("utf-8")
    first = root / "content/posts/first.md"
    first.write_text(first.read_text("utf-8").replace("Hello.", "Hello, four more words."), "utf-8")
    build(root)
    assert "First post</a> [4 words]" in (root / "build/tags/python/index.html").read_text("utf-8")


def test_a_rebuild_with_nothing_changed_reads_no_page_from_the_render_cache(
    write_site, monkeypatch
):
    # Not even to list broken links or to look for diagrams: a thousandth of a second a page.
    from frostpage.cache import CachedRenderer

    root = write_site({"content/docs/diagram.md": "# D\n\n```mermaid\ngraph TD; A-->B;\n```\n"})
    build(root)
    reads: list[str] = []
    original = CachedRenderer._get
    monkeypatch.setattr(
        CachedRenderer, "_get", lambda self, key: reads.append(key) or original(self, key)
    )
    os.utime(root / "content/index.md")  # touched, not changed: the site is loaded
    result = build(root)
    assert "0 changed" in result.summary()
    assert len(reads) == 1  # the one page whose text says "mermaid": is it still a diagram?
    assert (root / "build/_diagrams/diagrams.js").is_file()


def test_the_search_index_follows_edits_of_pages_and_of_the_files_they_include(write_site):
    root = write_site(
        {
            "content/docs/notice.md": None,
            "content/snippets/notice.txt": "A notice about kestrels.\n",
            "content/about.md": '# About\n\n--8<-- "content/snippets/notice.txt"\n',
        }
    )

    def indexed() -> str:
        return "".join(
            path.read_text("utf-8") for path in (root / "build/_search/pages").glob("*.json")
        )

    build(root)
    assert "kestrels" in indexed() and "Welcome." in indexed()
    (root / "content/index.md").write_text("---\ntitle: Home\n---\nWelcome, owls.\n", "utf-8")
    build(root)
    assert "Welcome, owls." in indexed()
    # The page's own text is the same; what it includes is not.
    (root / "content/snippets/notice.txt").write_text("A notice about falcons.\n", "utf-8")
    build(root)
    assert "falcons" in indexed() and "kestrels" not in indexed()
    assert "Welcome, owls." in indexed()


def test_after_a_text_edit_the_index_looks_up_the_words_of_the_changed_pages_alone(
    write_site, tmp_path, monkeypatch
):
    """The pages whose content is as the last build's have the digest of their text from
    the last index: the words kept of the others are not read, and the index is still
    what a full build makes. So too after a build whose inputs changed (a front matter),
    under which no page's words were counted again."""
    # With a summary of their own, no list of the rebuild reads their renderings.
    notes = {
        f"content/notes/note-{n}.md": f"---\ntitle: Note {n}\nsummary: Owls.\n---\nOwls, {n}.\n"
        for n in range(5)
    }
    site_root = write_site(notes)
    build(site_root)
    note = site_root / "content/notes/note-0.md"
    note.write_text(note.read_text("utf-8").replace("Note 0", "Note zero"), "utf-8")
    build(site_root)
    team = site_root / "content/about/team.md"
    team.write_text(team.read_text("utf-8") + "\nOne more person, Grace.\n", "utf-8")
    build(site_root)
    asked = []
    real_known = WordsCache.known
    monkeypatch.setattr(
        WordsCache, "known", lambda self, source: asked.append(source) or real_known(self, source)
    )
    team.write_text(team.read_text("utf-8") + "\nOne more person, Ada.\n", "utf-8")
    build(site_root)
    monkeypatch.undo()
    assert set(asked) <= {"about/team.md"}, asked  # (its words were counted as it rendered)
    assert contents(site_root / "build") == full_build_of(site_root, tmp_path)
    assert "Ada" in "".join(
        path.read_text("utf-8") for path in (site_root / "build/_search/pages").glob("*.json")
    )


# A build with nothing changed since the last one: known from the stats of its inputs and
# outputs, without loading the site.


def test_a_build_with_nothing_changed_keeps_everything_and_says_it(site_root):
    first = build(site_root)
    before = tree(site_root / "build")
    again = build(site_root)
    assert again.up_to_date
    assert "Nothing changed since the last build: build/ is up to date" in again.summary()
    assert (again.pages, again.files, again.written) == (first.pages, first.files, 0)
    assert again.warnings == first.warnings  # told again, as a build would
    assert any("a draft, not published" in warning for warning in first.warnings)
    assert tree(site_root / "build") == before


def test_the_snapshot_knows_the_published_files_as_a_walk_finds_them(site_root):
    """A build digests build/ from the stats it knows (kept files, the record's); after a
    rebuild that kept most files, the next build still finds nothing changed."""
    build(site_root)
    post = site_root / "content/posts/first.md"
    post.write_text(post.read_text("utf-8") + "\nMore.\n", "utf-8")
    rebuilt = build(site_root)
    assert "kept from the last build" in rebuilt.summary()
    saved = load_stamped(snapshot_path(record_path(site_root, site_root / "build")))
    assert saved.outputs == walked_output_digest(str(site_root / "build"))
    assert build(site_root).up_to_date
    (site_root / "build/extra.txt").write_text("not the build's\n", "utf-8")
    assert not build(site_root).up_to_date


def _same_size_and_time(root, monkeypatch):
    about = root / "content/about.md"
    stat = about.stat()
    text = about.read_text("utf-8").replace("We write", "We edit ")
    about.write_text(text, "utf-8")
    os.utime(about, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert about.stat().st_size == stat.st_size
    return "about/index.html", "We edit "


def _new_page(root, monkeypatch):
    (root / "content/notes.md").write_text("# Notes\n\nNew notes.\n", "utf-8")
    return "notes/index.html", "New notes."


def _restored(root, monkeypatch):
    (root / "build/about/index.html").unlink()
    return "about/index.html", "About us"


def _stray_file_removed(root, monkeypatch):
    (root / "build/stray.txt").write_text("mine", "utf-8")
    return "index.html", "Welcome"


def _environment(root, monkeypatch):
    monkeypatch.setenv("FROSTPAGE_BASE_URL", "https://other.example.net/")
    return "sitemap.xml", "https://other.example.net/about/"


def _dot_env(root, monkeypatch):
    (root / ".env").write_text("FROSTPAGE_TITLE=A title from .env\n", "utf-8")
    return "index.html", "A title from .env"


def _template(root, monkeypatch):
    base = root / "templates/base.html"
    base.write_text(base.read_text("utf-8").replace("</body>", "<!-- new --></body>"), "utf-8")
    return "about/index.html", "<!-- new -->"


@pytest.mark.parametrize(
    "change",
    [
        _same_size_and_time,
        _new_page,
        _restored,
        _stray_file_removed,
        _environment,
        _dot_env,
        _template,
    ],
)
def test_a_build_after_any_change_is_not_skipped(site_root, tmp_path, monkeypatch, change):
    build(site_root)
    name, expected = change(site_root, monkeypatch)
    result = build(site_root)
    assert not result.up_to_date
    assert expected in (site_root / "build" / name).read_text("utf-8")
    assert not (site_root / "build/stray.txt").exists()
    assert contents(site_root / "build") == full_build_of(site_root, tmp_path)
    assert build(site_root).up_to_date


def test_an_edited_data_file_is_seen(write_site):
    root = write_site({"site/data/team.toml": 'lead = "Ada"\n'})
    base = root / "templates/base.html"
    base.write_text(base.read_text("utf-8").replace("</body>", "{{ data.team.lead }}</body>"))
    build(root)
    (root / "site/data/team.toml").write_text('lead = "Grace"\n', "utf-8")
    assert not build(root).up_to_date
    assert "Grace</body>" in (root / "build/index.html").read_text("utf-8")


def test_options_and_output_folders_are_not_mixed_up(site_root, tmp_path):
    build(site_root)
    assert not build(site_root, relative=True).up_to_date
    assert 'href="../about/index.html"' in (site_root / "build/docs/index.html").read_text("utf-8")
    assert not build(site_root).up_to_date
    assert not build(site_root, tmp_path / "elsewhere", force=True).up_to_date
    assert build(site_root).up_to_date
    assert not build(site_root, full=True).up_to_date


def test_a_scheduled_post_is_published_when_its_time_comes(site_root):
    due = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    (site_root / "content/posts/soon.md").write_text(
        f"---\ntitle: Soon\ndate: {due:%Y-%m-%d %H:%M:%S}+00:00\n---\nOut soon.\n", "utf-8"
    )
    build(site_root)
    assert not (site_root / "build/posts/soon").exists()
    assert build(site_root).up_to_date
    time.sleep(max(0.0, (due - dt.datetime.now(dt.UTC)).total_seconds()) + 0.1)
    result = build(site_root)
    assert not result.up_to_date
    assert "Out soon." in (site_root / "build/posts/soon/index.html").read_text("utf-8")


def test_a_commit_changes_the_sitemap_dates_so_the_site_is_built(site_root):
    def git(*command: str, date: str) -> None:
        environment = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        identity = ["-c", "user.name=T", "-c", "user.email=t@example.org"]
        subprocess.run(["git", "-C", str(site_root), *identity, *command], env=environment)

    git("init", "-q", date="2024-05-06T07:08:09Z")
    git("add", "content", date="2024-05-06T07:08:09Z")
    git("commit", "-qm", "pages", date="2024-05-06T07:08:09Z")
    build(site_root)
    assert build(site_root).up_to_date
    git("commit", "-q", "--amend", "-m", "pages", date="2023-02-03T04:05:06Z")
    assert not build(site_root).up_to_date
    sitemap = (site_root / "build/sitemap.xml").read_text("utf-8")
    assert "<loc>https://example.org/about/</loc>\n    <lastmod>2023-02-03" in sitemap


def test_a_site_with_routes_of_its_own_is_always_built(write_site):
    root = write_site(
        {
            "site/hooks.py": (
                "from flask import Blueprint\n\nblueprint = Blueprint('hooks', __name__)\n\n\n"
                "@blueprint.route('/now/')\ndef now():\n    import time\n"
                "    return str(time.time_ns())\n"
            )
        }
    )
    build(root)
    first = (root / "build/now/index.html").read_text("utf-8")
    assert not build(root).up_to_date  # the route may read anything: it is asked again
    assert (root / "build/now/index.html").read_text("utf-8") != first


EVERY_KIND = {
    "site/hooks.py": 'template_filters = {"shout": lambda text: text.upper() + "!"}\n',
    "site/data/team.toml": 'lead = "Ada"\n',
}


@pytest.mark.parametrize(
    "change",
    [
        ("content/posts/first.md", "Hello.", "Hello, edited."),
        ("content/posts/first.md", "title: First post", "title: The first post"),
        ("templates/post.html", "</article>", "</article><!-- edited -->"),
        ("static/css/site.css", "body", "body "),
        ("site/data/team.toml", "Ada", "Grace"),
        ("site/config.toml", 'title = "Test site"', 'title = "Another title"'),
        ("site/hooks.py", '"!"', '"!!"'),
    ],
    ids=["text", "front matter", "template", "static file", "data file", "config", "hooks"],
)
def test_after_each_kind_of_edit_the_rebuild_is_what_a_full_build_writes(
    write_site, tmp_path, change
):
    root = write_site(EVERY_KIND)
    base = root / "templates/base.html"
    shown = "<p>{{ data.team.lead|shout }}</p></body>"
    base.write_text(base.read_text("utf-8").replace("</body>", shown), "utf-8")
    build(root)
    name, old, new = change
    path = root / name
    assert old in path.read_text("utf-8")
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")
    result = build(root)
    assert not result.up_to_date
    assert contents(root / "build") == full_build_of(root, tmp_path)


def test_a_page_that_now_shows_an_image_is_kept_by_the_next_build(write_site, monkeypatch):
    """The record keeps the content key of a page rendered with its new links (the image
    it now shows): a later build from the same inputs keeps its file."""
    from PIL import Image

    root = marked_site(write_site)
    Image.new("RGB", (40, 20), "red").save(root / "content/about/dot.png")
    monkeypatch.setenv("BUILD_MARK", "first")
    build(root)
    about = root / "content/about.md"
    about.write_text(about.read_text("utf-8") + "\n![A red dot](about/dot.png)\n", "utf-8")
    monkeypatch.setenv("BUILD_MARK", "second")
    build(root)
    assert "dot." in (root / "build/about/index.html").read_text("utf-8")
    os.utime(about)  # touched, not changed: the build is not skipped, nothing is rendered
    monkeypatch.setenv("BUILD_MARK", "third")
    assert not build(root).up_to_date
    assert mark_of(root, "about/index.html") == "second"


def test_a_text_edit_skips_the_consistency_checks_and_a_new_conflict_is_found(
    write_site, monkeypatch
):
    """The checks read only what the fingerprint holds: a rebuild with the same one knows
    their answer, and any change that could make a conflict changes the fingerprint."""
    root = write_site()
    build(root)
    post = root / "content/posts/first.md"
    post.write_text(post.read_text("utf-8") + "\nMore text.\n", "utf-8")
    with monkeypatch.context() as patched:
        patched.setattr("frostpage.model.consistency_errors", lambda *args: 1 / 0)
        build(root)
    assert "More text." in (root / "build/posts/first/index.html").read_text("utf-8")
    front = post.read_text("utf-8").replace("title: First post", "title: First post\nslug: second")
    post.write_text(front, "utf-8")
    with pytest.raises(SiteErrors, match="its URL /posts/second/ is also the URL of"):
        build(root)
    post.write_text(front.replace("slug: second", "slug: first"), "utf-8")
    (root / "content/posts/first").mkdir()
    (root / "content/posts/first/index.md").write_text("# Twin\n", "utf-8")
    with pytest.raises(SiteErrors, match="is also the URL of"):
        build(root)


# A build holds each page's front matter, not its Markdown: a body is read again from its
# file when a page is rendered, and the parsed-page cache keeps none.


def test_the_parsed_page_cache_keeps_no_body_a_file_holds(write_site):
    root = write_site(
        {
            "content/notes.md": "---\ntitle: Notes\n---\nAbout the zyzzyva.\n",
            # Its title is taken from its heading, which is blanked in the body it renders.
            "content/heading.md": "# Heading title\n\nAbout the quokka.\n",
        }
    )
    build(root)
    cache = (root / ".frostpage-cache/pages.pickle").read_bytes()
    assert b"zyzzyva" not in cache and b"quokka" not in cache
    for name in ("notes", "heading"):  # the site is loaded from the cache, and rendered
        os.utime(root / f"content/{name}.md")
    build(root, again := root.parent / "again", force=True, full=True)
    assert "zyzzyva" in (again / "notes/index.html").read_text("utf-8")
    heading = (again / "heading/index.html").read_text("utf-8")
    assert heading.count("Heading title</h1>") == 1 and "quokka" in heading
    assert contents(again) == contents(root / "build")
    # The preview holds each body, and leaves it out of the cache all the same.
    (root / ".frostpage-cache/pages.pickle").unlink()
    app = create_app(root, dev=True)
    with app.app_context():
        assert "zyzzyva" in site_state(app).site.by_url["/notes/"].body
    saved = root / ".frostpage-cache/pages.pickle"  # in the background, once
    for _ in range(100):
        if saved.exists():
            break
        time.sleep(0.05)
    assert b"Notes" in saved.read_bytes() and b"zyzzyva" not in saved.read_bytes()


def test_a_page_changed_while_the_site_is_built_is_an_error_and_nothing_is_lost(write_site):
    # More pages than a slice of rendering: the first slice is reported before the next
    # is read.
    notes = {f"content/notes/{n:02}.md": f"---\ntitle: Note {n}\n---\nText.\n" for n in range(40)}
    root = write_site(notes)
    build(root)
    before = tree(root / "build")
    pages = sorted((root / "content/notes").glob("*.md"))
    for page in pages:
        page.write_text(page.read_text("utf-8") + "\nMore.\n", "utf-8")
    edited = []

    def edit_while_rendering(step: str, done: int, total: int, item: str) -> None:
        if step == "Rendering" and not edited:
            for page in pages:  # those of the next slice are read after this
                page.write_text(page.read_text("utf-8") + "\nEven more.\n", "utf-8")
            edited.append(item)

    with pytest.raises(SiteErrors) as raised:
        build(root, progress=edit_while_rendering)
    message = str(raised.value)
    assert "content/notes/" in message and "changed while the site was read" in message
    assert tree(root / "build") == before
    build(root)
    assert "Even more." in (root / "build/notes/39/index.html").read_text("utf-8")


def test_the_record_keeps_each_set_of_anchors_once(site_root):
    """The theme's ids are on every page: the record, read back, holds one string of them
    for all the pages that have only those."""
    build(site_root)
    record = load_record(record_path(site_root, site_root / "build"))
    sets = [ids for name, ids in record.anchors.items() if name.endswith(".html") and ids]
    equal = [ids for ids in sets if ids == sets[0]]
    assert len(equal) > 1 and all(ids is equal[0] for ids in equal)
    assert "main" in sets[0].split("\0")


def test_a_rebuild_saves_its_record_as_the_changes_to_the_last_full_one(site_root):
    build(site_root)
    head = record_path(site_root, site_root / "build")
    base = head.with_suffix(".base")
    before = os.stat(base)
    team = site_root / "content/about/team.md"
    team.write_text(team.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    build(site_root)
    after = os.stat(base)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert head.stat().st_size < before.st_size / 4
    record = load_record(head)
    assert record.content["about/team.md"] != load_stamped(base)[1].content["about/team.md"]
    team.write_text(team.read_text("utf-8") + "\nAnd another.\n", "utf-8")
    result = build(site_root)
    assert result.requested < result.files / 2  # the record read back keeps the others


KEYS = st.sampled_from([f"k{number}" for number in range(40)])
ENTRIES = st.dictionaries(KEYS, st.text(max_size=3))
EDITS = st.lists(
    st.tuples(
        st.sampled_from(["content", "anchors", "urls", "assets", "search_key"]),
        KEYS,
        st.one_of(st.none(), st.text(max_size=3)),  # None: removed
    ),
    max_size=12,
)


@settings(max_examples=80, deadline=None)
@given(ENTRIES, st.lists(EDITS, min_size=1, max_size=4))
def test_a_record_read_back_is_the_record_saved(first, builds):
    """Saved whole or as changes, after edits made in place on the record read back."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "record.pickle"
        record = BuildRecord("inputs", dict(first), {}, dict(first), assets=set(first))
        for edits in builds:
            save_record(path, record, Path(folder))
            expected = record
            record = load_record(path)
            assert record == expected
            for name, key, value in edits:
                if name == "search_key":
                    record.search_key = value or ""
                elif name == "assets":
                    record.assets.discard(key) if value is None else record.assets.add(key)
                elif name == "urls":
                    record.urls.pop(key, None)
                    if value is not None:
                        record.urls[key] = Written(value, frozenset({key}), stat=(1, 2, 3))
                else:
                    entries = getattr(record, name)
                    entries.pop(key, None)
                    if value is not None:
                        entries[key] = value
        save_record(path, record, Path(folder))
        assert load_record(path) == record


def test_a_theme_installed_again_keeps_the_urls_and_one_edited_writes_them_again(
    write_site, tmp_path
):
    """A theme's files come with the software: installed again (another virtual
    environment, the host's next build), the same bytes have other inodes and times."""
    root = write_site(config=BASE_CONFIG + 'theme = "mine"\n')
    theme = root / "themes/mine"
    (theme / "static/css").mkdir(parents=True)
    (theme / "static/css/extra.css").write_text("p { color: teal }\n", "utf-8")
    build(root)
    shutil.copytree(theme, tmp_path / "installed")
    shutil.rmtree(theme)
    shutil.copytree(tmp_path / "installed", theme, copy_function=shutil.copy)
    (root / "content/about.md").write_text("---\ntitle: About us\n---\nNew.\n", "utf-8")
    again = build(root)
    assert again.requested < again.files / 2
    (theme / "static/css/extra.css").write_text("p { color: navy }\n", "utf-8")
    edited = build(root)
    assert edited.requested > edited.files / 2
    assert contents(root / "build") == full_build_of(root, tmp_path)
