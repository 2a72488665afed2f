"""What frostpage promises, tried as a hostile author would: nothing outside the output folder
is ever written, deleted, leaked or served, and bad input is a `file:line:` error.

Each test gives a hostile input, checks the exact message, and proves with a snapshot that
nothing outside the output folder changed.
"""

from __future__ import annotations

import hashlib
import html
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPOSITORY

from frostpage import SiteError, SiteErrors, build, create_app, publish
from frostpage.cli import main
from frostpage.paths import url_problem
from frostpage.publish import MARKER, exchange

# What a build may change in the project: its output, its cache, its staging folders.
OWN = ("build", ".frostpage-cache")


def snapshot(folder: Path) -> dict[str, str]:
    """Every path under ``folder`` (the project's parent: above it too), with its content's
    hash, but the build's own folders."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part in OWN or part.startswith(".build-") for part in relative.parts[1:]):
            continue
        if path.is_symlink():
            found[str(relative)] = "-> " + os.readlink(path)
        elif path.is_file():
            found[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[str(relative)] = "folder"
    return found


def errors_of(root: Path, **options) -> list[str]:
    with pytest.raises(SiteErrors) as caught:
        build(root, **options)
    return [str(error).split("\n")[0] for error in caught.value.errors]


def cli(root: Path, *arguments: str):
    """The command line, in this process: exit code and output, no traceback expected."""
    result = CliRunner().invoke(main, ["--root", str(root), *arguments])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


# Writes outside the output folder -------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("../../..", "'slug' must be one part of a URL, with a letter or a digit, not '../../..'"),
        (".", "'slug' must be one part of a URL, with a letter or a digit, not '.'"),
        ("/", "'slug' must be one part of a URL, with a letter or a digit, not '/'"),
        (
            "a/../../b",
            "'slug' must be one part of a URL, with a letter or a digit, not 'a/../../b'",
        ),
        ("%2e%2e", None),  # only letters and digits are kept: 2e-2e, a name like any other
        (
            "a" * 300,
            f"its URL '/posts/{'a' * 300}/' has a part longer than a file name may be (255 bytes)",
        ),
    ],
)
def test_a_slug_never_writes_outside_the_build(write_site, tmp_path, slug, message):
    root = write_site(
        {"content/posts/p.md": f'---\ntitle: P\ndate: 2025-01-01\nslug: "{slug}"\n---\nHi.\n'}
    )
    before = snapshot(tmp_path)
    if message is None:
        build(root)
        assert (root / "build/posts/2e-2e/index.html").is_file()
    else:
        assert errors_of(root) == [f"content/posts/p.md:4: {message}"]
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("alias", "problem"),
    [
        ("/../../x/", "has an empty, '.' or '..' part"),
        ("/a/%2e%2e/%2e%2e/%2e%2e/x/", "has an empty, '.' or '..' part"),
        ("/old\\nstuff/", "holds a control character or a backslash"),
        ("/a\\\\..\\\\..\\\\x/", "holds a control character or a backslash"),
        ("../old/", "must be a path on this site starting with '/', such as /old/post/"),
        ("../../../etc/", "must be a path on this site starting with '/', such as /old/post/"),
        ("2016/../../../x/", "has an empty, '.' or '..' part"),
        ("/archive/", "is reserved for the archive of posts"),
        ("/" + "é" * 200 + "/", "has a part longer than a file name may be (255 bytes)"),
    ],
)
def test_an_alias_never_writes_outside_the_build(write_site, tmp_path, alias, problem):
    # An alias without a leading slash is read from the site's root, as Zola reads it.
    root = write_site({"content/about.md": f'---\ntitle: About\naliases: ["{alias}"]\n---\nHi.\n'})
    before = snapshot(tmp_path)
    [error] = errors_of(root)
    assert error.startswith("content/about.md:3: alias ") and error.endswith(problem)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ('"https://evil.example/x"', "a URL of another site; only this site's paths are written"),
        ('"relative/"', "a path must start with '/'"),
        ('"nope", {}', "no URL can be built: Could not build url for endpoint 'nope'"),
        ("42", "give a path, an (endpoint, values) pair or a dict of values"),
    ],
)
def test_what_a_hook_url_generator_gives_is_checked(write_site, item, problem):
    hooks = f"\n\ndef pages():\n    yield {item}\n\n\nurl_generators = [pages]\n"
    [error] = errors_of(write_site({"site/hooks.py": hooks}))
    assert error.startswith("site/hooks.py:3: url_generators: pages() gave ")
    assert problem in error


def test_a_hook_url_never_writes_outside_the_build(write_site, tmp_path):
    hooks = 'def escape():\n    yield "/../../escaped.html"\n\nurl_generators = [escape]\n'
    root = write_site({"site/hooks.py": hooks})
    before = snapshot(tmp_path)
    assert errors_of(root) == [
        "site/hooks.py: the URL '/../../escaped.html' has an empty, '.' or '..' part: "
        "nothing is written there"
    ]
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("section", ["../../x", "/etc", "a/../../b", "docs/./x"])
def test_new_never_writes_outside_content(site_root, tmp_path, section):
    before = snapshot(tmp_path)
    result = cli(site_root, "new", "Title", "--section", section)
    assert result.exit_code == 1
    assert f"--section: {section!r} " in result.output
    assert snapshot(tmp_path) == before


def test_a_file_may_not_take_the_name_of_a_folder_the_build_needs(write_site, tmp_path):
    root = write_site({"content/notes.md": "# Notes\n", "content/notes": "plain"})
    before = snapshot(tmp_path)
    assert errors_of(root) == [
        "content/notes: its output notes would take the name of the folder that holds "
        "notes/index.html (from content/notes.md)"
    ]
    assert snapshot(tmp_path) == before


# Deleting what frostpage did not make ---------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "files", "problem"),
    [
        (".git", {"HEAD": "ref: refs/heads/main\n"}, "is inside the git repository"),
        (
            "docs",
            {"CNAME": "example.org\n", "index.html": "mine"},
            "holds files frostpage did not make (CNAME, index.html)",
        ),
        (
            "mylib",
            {"__init__.py": "", "core.py": "x = 1\n"},
            "holds files frostpage did not make (__init__.py, core.py)",
        ),
    ],
)
def test_a_folder_frostpage_did_not_make_is_never_replaced(
    site_root, tmp_path, folder, files, problem
):
    for name, text in files.items():
        (site_root / folder / name).parent.mkdir(parents=True, exist_ok=True)
        (site_root / folder / name).write_text(text, "utf-8")
    before = snapshot(tmp_path)
    result = cli(site_root, "build", "--output", str(site_root / folder))
    assert result.exit_code == 1
    assert f"{folder}/: refusing to build here: the destination {problem}" in result.output
    assert "--force" in result.output
    assert snapshot(tmp_path) == before


def test_force_replaces_a_folder_which_is_then_frostpages_own(site_root):
    docs = site_root / "docs"
    docs.mkdir()
    (docs / "CNAME").write_text("example.org\n")
    assert cli(site_root, "build", "--output", str(docs), "--force").exit_code == 0
    assert (docs / MARKER).is_file() and not (docs / "CNAME").exists()
    assert cli(site_root, "build", "--output", str(docs)).exit_code == 0  # no --force now


def test_a_build_folder_made_before_markers_is_still_frostpages(site_root):
    build(site_root)
    (site_root / "build" / MARKER).unlink()  # as an earlier version of frostpage left it
    build(site_root)
    assert (site_root / "build" / MARKER).is_file()


def test_a_symlinked_build_folder_is_refused_and_force_replaces_only_the_link(site_root, tmp_path):
    web_root = tmp_path / "var-www"
    web_root.mkdir()
    (web_root / "index.html").write_text("the live site")
    (site_root / "build").symlink_to(web_root)
    before = snapshot(tmp_path)
    result = cli(site_root, "build")
    assert result.exit_code == 1
    assert (
        f"build/: refusing to build here: the destination is a symbolic link (to {web_root})"
        in result.output
    )
    assert snapshot(tmp_path) == before
    assert cli(site_root, "build", "--force").exit_code == 0
    assert (site_root / "build").is_dir() and not (site_root / "build").is_symlink()
    assert (web_root / "index.html").read_text() == "the live site"


# Reading or serving what is outside the site ---------------------------------------------


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("content/env.txt", "/proc/self/environ"),
        ("content/secret.md", "/etc/hostname"),
        ("content/My Secret.md", "/etc/hostname"),
        ("static/passwd.txt", "/etc/passwd"),
        ("static/etc", "/etc"),
        ("templates/page.html", "/etc/passwd"),
    ],
)
def test_a_link_out_of_the_project_is_an_error_and_never_served(write_site, link, target):
    root = write_site()
    (root / link).unlink(missing_ok=True)
    (root / link).symlink_to(target)
    assert errors_of(root)[0] == (
        f"{link}: is a symbolic link to {target}, outside the project: nothing there is published"
    )
    assert not (root / "build").exists()
    client = create_app(root, dev=True).test_client()
    served = link.removeprefix("content").removesuffix(".md").replace(" S", "-s").lower()
    for path in (served, served + "/shadow", served + "/passwd"):
        with client.get(path) as response:
            assert response.status_code in (404, 500), path
            assert b"root:" not in response.data and b"PATH=" not in response.data
            if not link.startswith("templates/"):  # the preview names the refused link
                assert f"{link}: is a symbolic link to {target}" in response.text


@pytest.mark.parametrize("folder", ["content", "static", "templates"])
def test_a_source_folder_that_is_a_link_out_of_the_project_is_refused(write_site, tmp_path, folder):
    root = write_site()
    elsewhere = tmp_path / "elsewhere"
    shutil.move(root / folder, elsewhere)
    (root / folder).symlink_to(elsewhere)
    assert f"{folder}/: is a symbolic link to {elsewhere}, outside the project" in "\n".join(
        errors_of(root)
    )
    if folder == "content":  # nothing of it is shown in the preview either
        assert create_app(root, dev=True).test_client().get("/about/").status_code == 404


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000, "site/data/deep.json: is nested too deeply"),
        ("deep.yaml", "x: " + "[" * 5000 + "]" * 5000, "site/data/deep.yaml:1: invalid YAML"),
        ("folder.toml", None, "site/data/folder.toml: cannot be read: Is a directory"),
    ],
)
def test_a_data_file_that_cannot_be_read_is_a_located_error(write_site, name, text, expected):
    root = write_site({"site/data/.keep": ""})
    if text is None:
        (root / "site/data" / name).mkdir()
    else:
        (root / "site/data" / name).write_text(text, "utf-8")
    [error] = errors_of(root)
    assert error.startswith(expected)


def test_a_data_file_linked_out_of_the_project_is_never_read(write_site):
    root = write_site({"site/data/.keep": ""})
    (root / "site/data/secrets.yaml").symlink_to("/etc/hostname")
    assert errors_of(root) == [
        "site/data/secrets.yaml: is a symbolic link to /etc/hostname, outside the project: "
        "nothing there is published"
    ]


def test_links_inside_the_project_keep_working(write_site):
    root = write_site({"site/logo.svg": "<svg/>", "notes/extra.md": "# Extra\n\nShared.\n"})
    (root / "static/logo.svg").symlink_to(root / "site/logo.svg")
    (root / "content/extra.md").symlink_to(root / "notes/extra.md")
    build(root)
    assert (root / "build/static/logo.svg").read_text() == "<svg/>"
    assert "Shared." in (root / "build/extra/index.html").read_text("utf-8")


@pytest.mark.parametrize("kind", ["dangling", "loop", "fifo"])
def test_a_content_file_that_cannot_be_read_is_named(write_site, kind):
    root = write_site()
    path = root / "content/data.txt"
    if kind == "dangling":
        path.symlink_to(root / "nowhere.txt")
    elif kind == "loop":
        path.symlink_to(path)
    else:
        os.mkfifo(path)  # reading it would wait for ever
    [error] = errors_of(root)
    expected = (
        "is not a regular file" if kind == "fifo" else "is a symbolic link that leads nowhere"
    )
    assert error.startswith(f"content/data.txt: {expected}")


def test_an_unreadable_folder_of_content_is_an_error_not_a_silent_gap(write_site, monkeypatch):
    root = write_site({"content/private/a.md": "# A\n"})
    scandir = os.scandir

    def refusing(path):
        if str(path).endswith("private"):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)  # as root, chmod 000 would not stop a read
    assert errors_of(root) == ["content/private/: cannot be read: Permission denied"]


# The live preview never stops following saves ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "shown"),
    [
        (
            "content/about.md",
            "---\ndate: 2024-13-45\n---\n",
            "content/about.md:2: 'date' is not a date: '2024-13-45'",
        ),
        (
            "content/about.md",
            "---\ndate: 2024-02-30\n---\n",
            "content/about.md:2: 'date' is not a date: '2024-02-30'",
        ),
        (
            "content/about.md",
            "---\ndate: 2024-01-01T25:00:00\n---\n",
            "content/about.md:2: 'date' is not a date",
        ),
        (
            "content/about.md",
            "".join("    " * n + "- x\n" for n in range(400)),
            "content/about.md:400: the Markdown is nested too deeply",
        ),
        ("content/about.md", "\xff\xfe bytes", None),
        (
            "site/hooks.py",
            "url_generators = 5\n",
            "site/hooks.py:1: 'url_generators' must be a list of generator functions, not 5",
        ),
        ("site/hooks.py", "import sys\nsys.exit(0)\n", "site/hooks.py:2: calls sys.exit()"),
        (
            "site/hooks.py",
            "template_filters = [1, 2]\n",
            "site/hooks.py:1: 'template_filters' must be a dict of names to functions",
        ),
    ],
)
def test_whatever_is_saved_the_preview_shows_it_and_recovers(site_root, name, text, shown):
    from werkzeug.test import Client

    from frostpage.live import LivePreview

    preview = LivePreview(site_root)
    client = Client(preview)
    assert client.get("/about/").status_code == 200
    path = site_root / name
    original = path.read_bytes() if path.exists() else None
    if shown is None:
        path.write_bytes(text.encode("latin-1"))
        shown = "content/about.md:1: is not UTF-8 text"
    else:
        path.write_text(text, "utf-8")
    preview.apply({str(path)})  # what the watcher thread runs: it must not raise
    page = client.get("/about/")  # the error page, or the page with its Markdown error
    assert shown in html.unescape(page.text)
    if original is None:
        path.unlink()
    else:
        path.write_bytes(original)
    preview.apply({str(path)})
    assert "About us" in client.get("/about/").text


def test_the_watcher_thread_survives_a_bad_save(site_root):
    from frostpage.live import LivePreview

    preview = LivePreview(site_root)
    preview.start_watching()
    before = preview.broadcast.number
    (site_root / "content/about.md").write_text("---\ndate: 2024-13-45\n---\n", "utf-8")
    wait_for(lambda: preview.broadcast.number > before)
    (site_root / "content/about.md").write_text("---\ntitle: Fixed\n---\nBack.\n", "utf-8")
    wait_for(lambda: preview.broadcast.number > before + 1)
    threads = [t.name for t in __import__("threading").enumerate()]
    assert "frostpage-live" in threads


def wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


# Every bad input: `file:line: what is wrong`, never a traceback ----------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "site/hooks.py": "from flask import Blueprint, abort\nblueprint = Blueprint('b', __name__)\n@blueprint.route('/x/')\ndef x():\n    abort(500)\n"
            },
            "site/hooks.py: the URL /x/ answered 500 INTERNAL SERVER ERROR: it cannot be published",
        ),
        (
            {"site/config.toml": 'title = "T"\n[markdown]\nextensions = ["nope"]\n'},
            "site/config.toml:3: unknown Markdown extension 'nope'",
        ),
        (
            {"site/config.toml": '[markdown]\nhighlight_style = "neon"\n'},
            "site/config.toml:2: unknown Pygments style 'neon' for 'highlight_style'",
        ),
        (
            {"site/config.toml": '[markdown]\ntoc_depth = "two"\n'},
            "site/config.toml:2: 'markdown.toc_depth' must be a heading level or a range",
        ),
        (
            {"site/config.toml": 'base_url = "javascript:alert(1)//"\n'},
            "site/config.toml:1: base_url 'javascript:alert(1)//' is not an http:// or https:// URL",
        ),
    ],
)
def test_bad_input_is_a_located_error(write_site, tmp_path, files, expected):
    root = write_site(files)
    before = snapshot(tmp_path)
    result = cli(root, "build")
    assert result.exit_code == 1
    assert expected in result.output and "Traceback" not in result.output
    assert snapshot(tmp_path) == before


def test_a_config_that_is_not_utf8_or_not_a_file_is_a_located_error(site_root):
    config = site_root / "site/config.toml"
    config.write_bytes(b'title = "caf\xe9"\n')
    assert "site/config.toml:1: is not UTF-8 text" in cli(site_root, "build").output
    config.unlink()
    config.mkdir()
    assert "site/config.toml: cannot be read: Is a directory" in cli(site_root, "build").output


def test_a_cache_folder_that_is_a_file_is_a_clear_error(site_root):
    (site_root / ".frostpage-cache").write_text("not a folder")
    result = cli(site_root, "build")
    assert result.exit_code == 1
    assert ".frostpage-cache: is not a folder: frostpage keeps its cache there" in result.output


def test_a_yaml_alias_bomb_is_refused_at_once(write_site):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
        for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    root = write_site({"content/bomb.md": f"---\n{bomb}tags: *i\n---\n"})
    started = time.monotonic()
    assert errors_of(root) == [
        "content/bomb.md:3: front matter refused: more than 10,000 values once its aliases are expanded"
    ]
    assert time.monotonic() - started < 10  # not the 40 s and 3 GB it once took


# Output that is always valid ----------------------------------------------------------------


def test_control_characters_never_reach_xml_or_html(write_site):
    import xml.etree.ElementTree as ElementTree

    post = '---\ntitle: "Pasted\\vtitle\\u0001"\ndate: 2025-03-01\ntags: ["a\\u000bb"]\n---\nText\x0bwith\x0ca tab.\n'
    root = write_site({"content/posts/pasted.md": post})
    build(root)
    feeds = [
        "feed.xml",
        "sitemap.xml",
        *(p.as_posix() for p in (root / "build").glob("tags/*/feed.xml")),
    ]
    assert len(feeds) > 4
    for name in feeds:
        ElementTree.parse(root / "build" / name)  # well-formed
    for path in (root / "build").rglob("*.html"):
        text = path.read_text("utf-8")
        assert not any(character in text for character in "\x0b\x0c\x01"), path


def test_an_alias_with_a_space_is_one_rule_of_redirects(write_site):
    root = write_site(
        {"content/about.md": '---\ntitle: About\naliases: ["/old page/"]\n---\nHi.\n'}
    )
    build(root)
    rules = (root / "build/_redirects").read_text("utf-8").splitlines()
    assert rules == ["/old%20page/ /about/ 301!"]
    assert (root / "build/old page/index.html").is_file()


# Concurrency and interrupted builds ----------------------------------------------------------


def start_build(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "frostpage", "build"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_builds_at_once_never_interleave(site_root):
    first, second = start_build(site_root), start_build(site_root)
    outputs = [process.communicate(timeout=120) for process in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    names = [path.name for path in (site_root / "build").rglob("*")]
    assert not [name for name in names if name.endswith(".frostpage-link")]
    assert not [path for path in site_root.iterdir() if path.name.startswith(".build-")]


def test_a_build_waits_while_another_holds_the_lock(site_root):
    import fcntl

    (site_root / ".frostpage-cache").mkdir()
    with (site_root / ".frostpage-cache/build.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running build holds it
        waiting = start_build(site_root)
        time.sleep(3)
        assert waiting.poll() is None and not (site_root / "build").exists()
        fcntl.flock(lock, fcntl.LOCK_UN)
        _, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0 and "Another build of this site is running: waiting." in err
    assert (site_root / "build/index.html").is_file()


@pytest.mark.parametrize("planted", ["about", "about/team", "about/team/index.html"])
def test_a_link_planted_in_build_is_never_written_through(site_root, tmp_path, planted):
    build(site_root)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine", "utf-8")
    link = site_root / "build" / planted
    shutil.rmtree(link) if link.is_dir() else link.unlink()
    link.symlink_to(elsewhere)
    team = site_root / "content/about/team.md"
    team.write_text(team.read_text("utf-8") + "\nOne more person.\n", "utf-8")
    build(site_root)
    assert [path.name for path in elsewhere.iterdir()] == ["keep.txt"]
    assert not link.is_symlink()
    page = site_root / "build/about/team/index.html"
    assert "One more person." in page.read_text("utf-8") and not page.is_symlink()


def test_a_killed_build_leaves_the_previous_build_and_no_leftovers(write_site):
    root = write_site(
        {
            f"content/posts/p{n}.md": f"---\ntitle: P{n}\ndate: 2025-01-01\n---\nx\n"
            for n in range(150)
        }
    )
    build(root)
    before = (root / "build/index.html").read_bytes()
    for delay in (0.3, 0.8, 1.5):
        process = start_build(root)
        time.sleep(delay)
        process.kill()
        process.communicate()
        assert (root / "build/index.html").read_bytes() == before
    build(root)
    assert not [path for path in root.iterdir() if path.name.startswith(".build-")]
    assert (root / "build" / MARKER).is_file()


def test_a_build_set_aside_but_not_replaced_is_brought_back(site_root):
    build(site_root)
    index = (site_root / "build/index.html").read_bytes()
    # The state a kill leaves between the two renames where no atomic exchange exists.
    stray = next(site_root.glob(".build-*"), None)
    assert stray is None
    from frostpage.publish import _prefix

    retired = site_root / f"{_prefix(site_root / 'build')}killed-retired"
    os.replace(site_root / "build", retired)
    from frostpage.publish import recover

    recover(site_root / "build")
    assert (site_root / "build/index.html").read_bytes() == index and not retired.exists()


def test_folders_are_swapped_in_one_step(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a/from-a").touch()
    if not exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("this system has no atomic exchange of folders (renameat2)")
    assert (tmp_path / "b/from-a").exists() and not (tmp_path / "a/from-a").exists()


def test_a_folder_changed_in_the_tick_it_was_listed_is_listed_again(tmp_path, monkeypatch):
    """A change made in the same tick of the file system's clock as the listing of its
    folder may leave the folder's change time as listed: such a folder is never trusted."""
    top = tmp_path / "build"
    (top / "a").mkdir(parents=True)
    (top / "a/x.html").write_text("x", "utf-8")
    real_lstat = os.lstat
    listed: dict[str, os.stat_result] = {}
    # Every stat as at the listing, as a change in its tick leaves it.
    monkeypatch.setattr(os, "lstat", lambda path: listed.setdefault(str(path), real_lstat(path)))
    monkeypatch.setattr(publish, "_clock", lambda folder: real_lstat(top / "a").st_ctime_ns)
    files = {"a/x.html"}
    folders = publish.list_folders(top, {"", "a"}, {})
    assert folders["a"] is None
    (top / "a/stray.html").write_text("put there by hand", "utf-8")
    publish.remove_others(top, files, publish.Listing(files, folders))
    assert sorted(path.name for path in (top / "a").iterdir()) == ["x.html"]


def test_files_the_last_build_had_and_this_one_lacks_are_removed_unlisted(tmp_path, monkeypatch):
    top = tmp_path / "build"
    for name in ("a/old.html", "a/older.html", "a/kept.html", "a/b/old.html", "c/old.html"):
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text(name, "utf-8")
    before = {"a/old.html", "a/older.html", "a/kept.html", "a/b/old.html", "c/old.html"}
    # The listing's clock past the folders' changes, as a second later.
    monkeypatch.setattr(publish, "_clock", lambda folder: time.time_ns() + 10**9)
    folders = publish.list_folders(top, publish._folders_of(before), {})
    assert None not in folders.values()
    listed = []
    real_scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path: listed.append(path) or real_scandir(path))
    there, looked = publish.remove_others(top, {"a/kept.html"}, publish.Listing(before, folders))
    assert listed == []  # no folder changed since the listing: none is listed
    assert [p.relative_to(top).as_posix() for p in sorted(top.rglob("*"))] == ["a", "a/kept.html"]
    assert set(there) == {"", "a"} and looked >= {"", "a"}


def test_a_link_made_after_the_folders_were_looked_at_is_never_followed(tmp_path, monkeypatch):
    """A rebuild looks at the folders of build/ on another core while the site loads; by
    the time it publishes, a folder may be a link. Those it removes files from or writes
    into are looked at again, with those above them: what the link leads to is untouched."""
    top, elsewhere = tmp_path / "build", tmp_path / "elsewhere"
    before = {"a/old.html", "e/f/old.html", "w/page.html", "w/deep/page.html"}
    before |= {"b/kept.html", "c/d/kept.html"}
    for name in [*before, "c/d/mine.html"]:
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text(name, "utf-8")
        (elsewhere / name).parent.mkdir(parents=True, exist_ok=True)
        (elsewhere / name).write_text("not the build's", "utf-8")
    monkeypatch.setattr(publish, "_clock", lambda folder: time.time_ns() + 10**9)
    folders = publish.list_folders(top, publish._folders_of(before), {})
    (top / "b/stray.html").write_text("put there by hand", "utf-8")
    (top / "c/d/mine.html").unlink()
    changes = publish.folder_changes(top, folders)  # as the look beforehand finds them
    assert changes == {"b": True, "c/d": True}
    for name in ("a", "e/f", "w/deep", "c"):  # made links since
        shutil.rmtree(top / name)
        (top / name).symlink_to(elsewhere / name, target_is_directory=True)
    files = {"w/page.html", "w/deep/page.html", "b/kept.html", "c/d/kept.html"}
    listing = publish.Listing(before, folders, changes)
    publish.remove_others(top, files, listing, writing={"", "w", "w/deep"})
    untouched = ["not the build's"] * 7
    assert sorted(path.read_text("utf-8") for path in elsewhere.rglob("*.html")) == untouched
    assert not any((top / name).exists() for name in ("a", "c", "e/f", "w/deep"))
    assert sorted(path.name for path in (top / "b").iterdir()) == ["kept.html"]


def test_a_leftover_of_the_clock_is_removed(tmp_path):
    destination = tmp_path / "build"
    left = tmp_path / f"{publish._prefix(destination)}clock-x1y2"
    left.write_text("", "utf-8")
    publish.recover(destination)
    assert not left.exists()


# Commands ---------------------------------------------------------------------------------


def test_make_new_passes_the_title_verbatim(site_root):
    title = 'Using `id` in scripts: "quotes", it\'s $HOME $(id) $$'
    venv = Path(sys.executable).parent.parent
    # The repository's Makefile, run in the site, with the environment this test runs in.
    installed = f"{venv}/.installed"
    result = subprocess.run(
        [
            "make",
            "-s",
            "-f",
            REPOSITORY / "Makefile",
            "-o",
            installed,
            "new",
            f"title={title}",
            f"VENV={venv}",
        ],
        cwd=site_root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    [post] = (site_root / "content/posts").glob("using-id-in-scripts*.md")
    from frostpage.frontmatter import split

    assert split(post.read_text("utf-8"), str(post)).meta["title"] == title


def test_a_title_too_long_for_a_file_name_is_a_clear_error(site_root):
    result = cli(site_root, "new", "word " * 100)
    assert result.exit_code == 1 and "longer than a file name may be" in result.output
    assert cli(site_root, "new", "word " * 100, "--slug", "words").exit_code == 0


def test_a_title_with_no_letters_gets_a_clear_error_or_a_given_name(site_root):
    result = cli(site_root, "new", "???")
    assert (
        result.exit_code == 1
        and "'???' has no letter or digit to name the file after" in result.output
    )
    assert not (site_root / "content/posts/.md").exists()
    assert cli(site_root, "new", "???", "--slug", "questions").exit_code == 0
    assert (site_root / "content/posts/questions.md").is_file()


def test_the_port_is_validated(site_root):
    result = cli(site_root, "serve", "--port", "99999")
    assert result.exit_code == 2 and "99999 is not in the range 1<=x<=65535" in result.output


def test_site_errors_keep_their_fields_across_processes():
    import pickle

    error = SiteError("content/a.md", 3, "broken", "fix it")
    assert pickle.loads(pickle.dumps(error)) == error


@pytest.mark.parametrize(
    ("part", "too_long"),
    [("é" * 127 + "x", False), ("é" * 128, True), ("𝄞" * 63 + "xxx", False), ("𝄞" * 64, True)],
)
def test_a_url_part_may_be_as_long_as_a_file_name_and_no_longer(part, too_long):
    """255 bytes of UTF-8, however few characters they are."""
    for url in (f"/{part}/", f"/a/{part}", f"/{part}/b/"):
        problem = url_problem(url)
        assert (problem == "has a part longer than a file name may be (255 bytes)") is too_long
        assert too_long or problem is None
