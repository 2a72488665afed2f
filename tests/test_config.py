from pathlib import Path

import pytest

from frostpage.config import load_settings
from frostpage.errors import SiteError


def write_config(root: Path, text: str) -> Path:
    (root / "site").mkdir(parents=True, exist_ok=True)
    (root / "site" / "config.toml").write_text(text, "utf-8")
    return root


def test_defaults_when_there_is_no_config(tmp_path):
    settings, warnings = load_settings(tmp_path, environ={})
    assert settings.title == "My frostpage site"
    assert settings.posts_per_page == 10
    assert settings.markdown.smart_quotes is True
    assert warnings == []


def test_values_and_nav_are_read(tmp_path):
    write_config(
        tmp_path,
        'title = "Mine"\nbase_url = "https://example.org/blog"\n'
        '[[nav]]\ntitle = "Docs"\nurl = "/docs/"\n[markdown]\nsmart_quotes = false\n',
    )
    settings, _ = load_settings(tmp_path, environ={})
    assert settings.title == "Mine"
    assert settings.base_url == "https://example.org/blog/"
    assert settings.base_path == "/blog"
    assert settings.nav[0].title == "Docs" and settings.nav[0].url == "/docs/"
    assert settings.markdown.smart_quotes is False


def test_syntax_error_names_file_and_line(tmp_path):
    write_config(tmp_path, 'title = "ok"\nauthor = \n')
    with pytest.raises(SiteError) as caught:
        load_settings(tmp_path, environ={})
    assert str(caught.value).startswith("site/config.toml:2: invalid TOML")


def test_unknown_keys_are_warned_by_name_and_line(tmp_path):
    write_config(tmp_path, 'title = "ok"\ncolour = "red"\n[markdown]\nfancy = true\n')
    _, warnings = load_settings(tmp_path, environ={})
    assert "site/config.toml:2: unknown key 'colour' (ignored)" in warnings
    assert "site/config.toml:4: unknown key 'markdown.fancy' (ignored)" in warnings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('posts_per_page = "ten"\n', "site/config.toml:1: 'posts_per_page' must be a whole number"),
        ("posts_per_page = 0\n", "site/config.toml:1: 'posts_per_page' must be a positive"),
        ("title = 3\n", "site/config.toml:1: 'title' must be a string"),
        ('timezone = "Mars/Base"\n', "site/config.toml:1: unknown time zone 'Mars/Base'"),
        (
            'base_url = "example.org"\n',
            "site/config.toml:1: base_url 'example.org' is not an http:// or https:// URL",
        ),
        ('[[nav]]\ntitle = "x"\n', "site/config.toml:2: each entry of 'nav' needs"),
    ],
)
def test_bad_values_are_errors_with_lines(tmp_path, text, expected):
    write_config(tmp_path, text)
    with pytest.raises(SiteError) as caught:
        load_settings(tmp_path, environ={})
    assert str(caught.value).startswith(expected)


def test_environment_overrides_config(tmp_path):
    write_config(tmp_path, 'base_url = "https://example.org/"\nposts_per_page = 3\n')
    settings, _ = load_settings(
        tmp_path,
        environ={"FROSTPAGE_BASE_URL": "https://other.example/", "FROSTPAGE_POSTS_PER_PAGE": "7"},
    )
    assert settings.base_url == "https://other.example/"
    assert settings.posts_per_page == 7


def test_netlify_preview_uses_its_deploy_url(tmp_path):
    write_config(tmp_path, 'base_url = "https://example.org/"\n')
    preview = {
        "NETLIFY": "true",
        "CONTEXT": "deploy-preview",
        "URL": "https://example.org",
        "DEPLOY_PRIME_URL": "https://deploy-preview-4--example.netlify.app",
    }
    settings, _ = load_settings(tmp_path, environ=preview)
    assert settings.base_url == "https://deploy-preview-4--example.netlify.app/"
    production, _ = load_settings(tmp_path, environ={**preview, "CONTEXT": "production"})
    assert production.base_url == "https://example.org/"
