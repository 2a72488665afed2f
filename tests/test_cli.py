"""The commands an author runs: `python freeze.py` (make build), `frostpage check`, `new`."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BASE_CONFIG, REPOSITORY

from frostpage import __version__
from frostpage.build import build
from frostpage.cli import main
from frostpage.errors import SiteError


def run(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def frostpage(root: Path, *arguments: str) -> Ran:
    """The frostpage command, in this process (a subprocess where the process is the point)."""
    result = CliRunner().invoke(main, ["--root", str(root), *arguments])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def test_freeze_script_builds_and_prints_a_summary(site_root):
    result = run(site_root, str(REPOSITORY / "freeze.py"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built ")
    assert " pages " in result.stdout and " s\n" in result.stdout
    assert (site_root / "build/index.html").is_file()


def test_bad_input_exits_non_zero_with_file_and_line_and_no_traceback(site_root):
    (site_root / "content/about.md").write_text("---\ntags: 5\n---\n", "utf-8")
    result = run(site_root, str(REPOSITORY / "freeze.py"))
    assert result.returncode == 1
    assert "content/about.md:2: 'tags' must be a list of text, not a number" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (site_root / "build").exists()


def test_config_error_is_reported_with_its_line(site_root):
    (site_root / "site/config.toml").write_text('title = "x"\nbase_url = \n', "utf-8")
    result = frostpage(site_root, "build")
    assert result.returncode == 1
    assert result.stderr.startswith("site/config.toml:2: invalid TOML")
    assert "Traceback" not in result.stderr


def test_missing_content_folder_is_a_clear_error(site_root):
    import shutil

    shutil.rmtree(site_root / "content")
    result = frostpage(site_root, "build")
    assert result.returncode == 1
    assert "content/: the content folder is missing" in result.stderr


def test_a_missing_site_folder_is_a_clear_error_and_nothing_is_made(tmp_path):
    missing = tmp_path / "no-site"
    for command in ("build", "serve", "check", "new"):
        result = run(tmp_path, "-m", "frostpage", "--root", str(missing), command, "x")
        assert result.returncode == 2, (command, result.stderr)
        assert f"'{missing}' does not exist" in result.stderr and "Traceback" not in result.stderr
    with pytest.raises(SiteError, match="there is no such folder"):
        build(missing)
    assert not missing.exists()


def test_debug_shows_the_traceback(site_root):
    (site_root / "content/about.md").write_text("---\ntags: 5\n---\n", "utf-8")
    result = run(site_root, "-m", "frostpage", "--debug", "build")
    assert result.returncode == 1
    assert "Traceback" in result.stderr


def test_check_reports_broken_links_of_an_existing_build(site_root):
    assert frostpage(site_root, "build").returncode == 0
    assert frostpage(site_root, "check").returncode == 0
    page = site_root / "build/about/index.html"
    page.write_text(page.read_text("utf-8").replace("</main>", '<a href="/gone/">x</a></main>'))
    result = frostpage(site_root, "check")
    assert result.returncode == 1
    assert "build/about/index.html: broken link '/gone/': points to no file" in result.stderr


def test_new_writes_a_draft_post_and_never_overwrites(site_root):
    result = frostpage(site_root, "new", 'My "Great" Post')
    assert result.returncode == 0, result.stderr
    post = site_root / "content/posts/my-great-post.md"
    text = post.read_text("utf-8")
    assert text.startswith('---\ntitle: "My \\"Great\\" Post"\ndate: ')
    assert "draft: true" in text
    again = frostpage(site_root, "new", 'My "Great" Post')
    assert again.returncode == 1
    assert "content/posts/my-great-post.md: already exists" in again.stderr
    assert post.read_text("utf-8") == text


def test_new_starts_a_translation_in_a_language_of_the_site(write_site):
    root = write_site(config=BASE_CONFIG + '\n[languages.fr]\ntitle = "Carnet"\n')
    english = frostpage(root, "new", "Hello there", "--slug", "hello")
    french = frostpage(root, "new", "Bonjour à tous", "--slug", "hello", "--language", "fr")
    assert english.returncode == 0 and french.returncode == 0, french.stderr
    assert "Created content/posts/hello.fr.md" in french.stdout
    text = (root / "content/posts/hello.fr.md").read_text("utf-8")
    assert text.startswith('---\ntitle: "Bonjour à tous"\n')
    default = frostpage(root, "new", "Again", "--language", "en")  # the default: no marker
    assert default.returncode == 0 and (root / "content/posts/again.md").is_file()
    unknown = frostpage(root, "new", "Hallo", "--language", "de")
    assert unknown.returncode == 1
    assert "--language: 'de' is not a language of the site (en, fr)" in unknown.stderr
    assert not (root / "content/posts/hallo.de.md").exists()
    for name in ("hello.md", "hello.fr.md"):  # drafts: shown by the preview, linked
        page = root / "content/posts" / name
        page.write_text(page.read_text("utf-8").replace("draft: true", "draft: false"))
    build(root)
    french_page = (root / "build/fr/posts/hello/index.html").read_text("utf-8")
    assert "Bonjour à tous" in french_page and 'hreflang="en"' in french_page


def test_init_writes_a_working_site(tmp_path):
    result = run(tmp_path, "-m", "frostpage", "init", "my-blog")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "my-blog"
    for name in ("site/config.toml", "content/index.md", "content/posts/hello-world.md"):
        assert (site / name).is_file(), name
    # The theme comes from frostpage until the site writes templates of its own...
    assert not (site / "templates").exists() and not (site / "static").exists()
    # ...or asks for a copy to edit.
    copied = run(tmp_path, "-m", "frostpage", "init", "--with-templates", "editable")
    assert copied.returncode == 0, copied.stderr
    for name in ("base.html", "_macros.html", "_docs.html", "doc.html", "section.html"):
        assert (tmp_path / "editable/templates" / name).is_file(), name
    assert (tmp_path / "editable/static/css/site.css").is_file()
    assert not (tmp_path / "editable/templates/stats.html").exists()  # the docs site's own
    # It serves, builds and deploys as this repository does.
    for name in ("freeze.py", "netlify.toml"):
        assert (site / name).read_text("utf-8") == (REPOSITORY / name).read_text("utf-8")
    assert (site / "requirements.txt").read_text("utf-8") == f"frostpage=={__version__}\n"
    makefile = (site / "Makefile").read_text("utf-8")
    assert "serve:" in makefile and "build:" in makefile and "-r requirements.txt" in makefile
    assert "/.frostpage-cache/" in (site / ".gitignore").read_text("utf-8").split("\n")
    built = run(site, "freeze.py")
    assert built.returncode == 0, built.stderr
    assert built.stderr == ""  # no warning on a fresh site
    assert "Hello, world" in (site / "build/posts/hello-world/index.html").read_text("utf-8")
    again = run(tmp_path, "-m", "frostpage", "init", "my-blog")
    assert again.returncode == 1 and "my-blog: is not empty" in again.stderr


def test_git_ignores_what_builds_leave_in_a_new_site(tmp_path):
    assert run(tmp_path, "-m", "frostpage", "init", "my-blog").returncode == 0
    site = tmp_path / "my-blog"
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    for _ in range(3):  # the third build starts from a spare kept in .frostpage-cache/
        assert run(site, "freeze.py").returncode == 0
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=site,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert status and all(line.startswith("?? ") for line in status)
    leaked = [line for line in status if line[3:].startswith(("build/", ".build-", ".frostpage-"))]
    assert leaked == []


def test_quiet_verbose_and_log_file(site_root, tmp_path):
    quiet = frostpage(site_root, "--quiet", "build")
    assert quiet.returncode == 0 and quiet.stdout == ""
    assert "a draft, not published" in quiet.stderr  # warnings still show
    verbose = frostpage(site_root, "--verbose", "build", "--full")
    assert "wrote /about/team/" in verbose.stdout
    log_file = tmp_path / "build.log"
    frostpage(site_root, "--log-file", str(log_file), "build")
    text = log_file.read_text("utf-8")
    assert (
        "INFO Nothing changed since the last build" in text
        and "WARNING warning: content/posts/secret.md" in text
    )


def test_warnings_are_printed_once_at_the_end(site_root):
    result = frostpage(site_root, "build")
    lines = result.stderr.splitlines()
    assert lines.count("warning: content/posts/secret.md: a draft, not published") == 1
    assert result.stdout.splitlines()[-1].startswith("Built ")


def test_dotenv_sets_variables_the_environment_does_not(site_root):
    (site_root / ".env").write_text("FROSTPAGE_TITLE=Title from dotenv\n", "utf-8")
    assert run(site_root, "-m", "frostpage", "build").returncode == 0
    assert "<title>Title from dotenv</title>" in (site_root / "build/index.html").read_text("utf-8")
