"""site/data/*: data.<name> in templates; a malformed file names its line."""

from __future__ import annotations

import pytest

from frostpage import SiteErrors, build, create_app
from frostpage.data import load_data

TEMPLATE = (
    '{% extends "base.html" %}{% block content %}'
    "{% for row in data.people %}<p>{{ row.name }}={{ row.role }}</p>{% endfor %}"
    "<p>{{ data.menu.entries|join(',') }}</p><p>{{ data.settings.colour }}</p>"
    "<p>{{ data.numbers[1] }}</p>{% endblock %}"
)


def test_every_format_is_available_in_templates(write_site):
    root = write_site(
        {
            "site/data/people.csv": 'name,role\nAda,author\n"Lovelace, A.",editor\n',
            "site/data/menu.yaml": "entries: [a, b]\n",
            "site/data/settings.toml": 'colour = "blue & green"\n',
            "site/data/numbers.json": "[1, 2, 3]\n",
            "templates/people.html": TEMPLATE,
            "content/people.md": "---\ntitle: People\ntemplate: people.html\n---\n",
        }
    )
    build(root)
    html = (root / "build/people/index.html").read_text("utf-8")
    for expected in (
        "<p>Ada=author</p>",
        "<p>Lovelace, A.=editor</p>",
        "<p>a,b</p>",
        "<p>blue &amp; green</p>",
        "<p>2</p>",
    ):
        assert expected in html


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("bad.yaml", "a: 1\nb: [\n", "site/data/bad.yaml:3: invalid YAML"),
        ("bad.json", '{\n  "a": 1,\n}\n', "site/data/bad.json:3: invalid JSON"),
        ("bad.toml", "a = 1\nb = \n", "site/data/bad.toml:2: invalid TOML"),
        ("bad.csv", "a,b\n1,2\n3\n", "site/data/bad.csv:3: this row has 1 cells, the header has 2"),
    ],
)
def test_a_malformed_data_file_names_file_and_line(tmp_path, name, text, expected):
    (tmp_path / "site/data").mkdir(parents=True)
    (tmp_path / "site/data" / name).write_text(text, "utf-8")
    _, errors = load_data(tmp_path)
    assert next(str(error) for error in errors).startswith(expected)


def test_a_malformed_data_file_fails_the_build_and_shows_in_the_preview(write_site):
    root = write_site({"site/data/broken.json": "{oops}\n"})
    with pytest.raises(SiteErrors) as caught:
        build(root)
    assert str(caught.value.errors[0]).startswith("site/data/broken.json:1: invalid JSON")
    response = create_app(root, dev=True).test_client().get("/")
    assert response.status_code == 500
    assert "site/data/broken.json:1: invalid JSON" in response.text
