"""site/hooks.py: routes frozen like pages, filters, globals, context; errors with lines."""

from __future__ import annotations

import pytest

from frostpage import SiteError, SiteErrors, build, create_app

HOOKS = """\
from flask import Blueprint, render_template_string

from frostpage import current_site

blueprint = Blueprint("hooks", __name__)


@blueprint.route("/count/")
def count():
    return render_template_string(
        "<!doctype html><title>n</title><p>{{ n|double }} {{ shout('hi') }} {{ extra }}</p>",
        n=len(current_site().posts),
    )


@blueprint.route("/by-year/<int:year>/")
def by_year(year):
    titles = [post.title for post in current_site().posts_of_year(year)]
    return render_template_string("<!doctype html><title>y</title>{{ titles|join(', ') }}", titles=titles)


def years():
    for year, _ in current_site().years:
        yield "hooks.by_year", {"year": year}


url_generators = [years]
template_filters = {"double": lambda n: n * 2}
template_globals = {"shout": lambda text: text.upper() + "!"}


def template_context():
    return {"extra": "from-context"}
"""


def test_hook_routes_are_served_and_frozen_with_their_generators(write_site):
    root = write_site({"site/hooks.py": HOOKS})
    client = create_app(root, dev=True).test_client()
    assert "6 HI! from-context" in client.get("/count/").text  # the preview counts the draft
    build(root)
    assert "4 HI! from-context" in (root / "build/count/index.html").read_text("utf-8")
    assert "Second post, First post" in (root / "build/by-year/2025/index.html").read_text("utf-8")


def test_a_route_the_freezer_never_reaches_is_reported_by_name(write_site):
    root = write_site({"site/hooks.py": HOOKS.replace("url_generators = [years]", "")})
    result = build(root)
    # Only the hook's route: frostpage's own (tag, year, alias…) may rightly freeze nothing.
    assert [warning for warning in result.warnings if "never frozen" in warning] == [
        "routes never frozen: hooks.by_year (give them a URL generator in site/hooks.py)"
    ]


def test_an_exception_in_a_hook_names_the_hook_file_and_line(write_site):
    broken = HOOKS.replace("n=len(current_site().posts),", "n=1 / 0,")
    root = write_site({"site/hooks.py": broken})
    line = broken.splitlines().index("        n=1 / 0,") + 1
    with pytest.raises(SiteErrors) as caught:
        build(root)
    assert [str(error) for error in caught.value.errors] == [
        f"site/hooks.py:{line}: ZeroDivisionError: division by zero"
    ]
    response = create_app(root, dev=True).test_client().get("/count/")
    assert response.status_code == 500
    assert f"site/hooks.py:{line}: ZeroDivisionError" in response.text


def test_errors_while_loading_hooks_name_the_line(write_site):
    root = write_site({"site/hooks.py": "x = 1\ndef broken(:\n"})
    with pytest.raises(SiteError) as caught:
        create_app(root)
    assert str(caught.value) == "site/hooks.py:2: syntax error: invalid syntax"
    root = write_site({"site/hooks.py": "x = 1\nraise RuntimeError('boom')\n"})
    with pytest.raises(SiteError) as caught:
        create_app(root)
    assert str(caught.value) == "site/hooks.py:2: RuntimeError: boom"


def test_the_repository_stats_page(tmp_path):
    from conftest import REPOSITORY

    build(REPOSITORY, tmp_path / "out", force=True)
    stats = (tmp_path / "out/stats/index.html").read_text("utf-8")
    assert "site/hooks.py" in stats and "Posts per tag" in stats
