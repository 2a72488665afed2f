import datetime as dt

import pytest

from frostpage.errors import SiteError
from frostpage.frontmatter import split, validate

UTC = dt.UTC


def test_yaml_between_dashes():
    front = split("---\ntitle: Hello\ntags: [a, b]\n---\nBody here.\n", "content/x.md")
    assert front.meta == {"title": "Hello", "tags": ["a", "b"]}
    assert front.body == "Body here.\n"
    assert front.body_line == 5
    assert front.key_lines == {"title": 2, "tags": 3}


def test_toml_between_pluses():
    front = split('+++\ntitle = "Hello"\ndate = 2025-01-02\n+++\nBody\n', "content/x.md")
    assert front.meta == {"title": "Hello", "date": dt.date(2025, 1, 2)}
    assert front.body == "Body\n"


@pytest.mark.parametrize(
    "text",
    [
        "Note: something important\n\nMore text.\n",
        "Title: looks like Pelican's\nWarning: but this key is not\n\nbody\n",
        "Warning: read this\n\nbody\n",
        "{: .lead }\nA paragraph with attributes.\n",
        '{{< figure src="a.png" >}}\n',
        "`code` first line\n\nbody\n",
        "key: value\n---\nstill body\n",
    ],
)
def test_a_file_without_delimiters_keeps_its_whole_body(text):
    front = split(text, "content/x.md")
    assert front.meta == {}
    assert front.body == text
    assert front.body_line == 1


def test_pelicans_metadata_block_is_front_matter():
    text = "Title: My post\nDate: 2010-12-03 10:20\nTags: thats, awesome\nStatus: draft\n\nBody.\n"
    front = split(text, "content/x.md")
    assert front.meta == {
        "title": "My post",
        "date": "2010-12-03 10:20",
        "tags": ["thats", "awesome"],
        "status": "draft",
        "draft": True,
    }
    assert (front.body, front.body_line, front.key_lines["tags"]) == ("Body.\n", 6, 3)


def test_hugos_json_front_matter():
    text = '{\n  "title": "JSON",\n  "tags": ["a", "b"]\n}\n\nBody.\n'
    front = split(text, "content/x.md")
    assert front.meta == {"title": "JSON", "tags": ["a", "b"]}
    assert (front.body, front.key_lines["tags"]) == ("\nBody.\n", 3)


def test_a_body_after_json_on_the_closing_line_starts_on_that_line():
    front = split('{"title": "JSON"} Body.\n', "content/x.md")
    assert (front.meta, front.body, front.body_line) == ({"title": "JSON"}, " Body.\n", 1)


def test_broken_json_front_matter_is_an_error_with_its_line():
    with pytest.raises(SiteError, match=r"content/x.md:3: invalid JSON in front matter"):
        split('{\n  "title": "JSON",\n}\n\nBody.\n', "content/x.md")


def test_empty_front_matter_is_an_empty_mapping():
    assert split("---\n---\nbody", "content/x.md").meta == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: [oops\n---\n", "content/x.md:2: invalid YAML in front matter"),
        ("---\ntitle: ok\nbad: a: b\n---\n", "content/x.md:3: invalid YAML in front matter"),
        (
            "---\n- a\n- b\n---\n",
            "content/x.md:2: front matter must be a mapping of keys to values, not a list",
        ),
        (
            "---\njust a string\n---\n",
            "content/x.md:2: front matter must be a mapping of keys to values, not a string",
        ),
        (
            "---\ntitle: never closed\n",
            "content/x.md:1: front matter opened with '---' is never closed",
        ),
        ("+++\ntitle = \n+++\n", "content/x.md:2: invalid TOML in front matter"),
    ],
)
def test_bad_front_matter_names_file_and_line(text, expected):
    with pytest.raises(SiteError) as caught:
        split(text, "content/x.md")
    assert str(caught.value).startswith(expected)


def check(text):
    front = split(text, "content/x.md")
    return validate(front, "content/x.md", UTC)


def test_known_keys_are_typed():
    meta, errors = check(
        "---\ntitle: T\ndate: 2025-01-02\nupdated: 2025-02-03T10:00:00+01:00\n"
        "tags: python\ndraft: true\nweight: 3\naliases: [/old/]\n---\n"
    )
    assert errors == []
    assert meta.date == dt.datetime(2025, 1, 2, tzinfo=UTC)
    assert meta.updated.utcoffset() == dt.timedelta(hours=1)
    assert meta.tags == ("python",)
    assert meta.draft is True and meta.weight == 3 and meta.aliases == ("/old/",)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("date: yesterday", "content/x.md:3: 'date' is not a date: 'yesterday'"),
        ("tags: 5", "content/x.md:3: 'tags' must be a list of text, not a number"),
        ('draft: "maybe"', "content/x.md:3: 'draft' must be true or false, not 'maybe'"),
        ("weight: heavy", "content/x.md:3: 'weight' must be a whole number"),
        ("template: [a]", "content/x.md:3: 'template' must be text"),
    ],
)
def test_bad_values_are_reported_with_their_line(line, expected):
    _, errors = check(f"---\ntitle: T\n{line}\n---\n")
    assert next(str(error).split("\n")[0] for error in errors).startswith(expected)


def test_every_bad_key_is_reported_not_only_the_first():
    _, errors = check("---\ndate: soon\ntags: 5\ndraft: maybe\n---\n")
    assert [error.line for error in errors] == [2, 3, 4]


@pytest.mark.parametrize(
    ("line", "taxonomy", "terms"),
    [
        ("tags: intro setup", "tags", ("intro", "setup")),  # Jekyll: words
        ("tags: web dev, python", "tags", ("web dev", "python")),  # Pelican: commas
        ("categories: jekyll update", "categories", ("jekyll", "update")),
        ("category: Web Development", "categories", ("Web Development",)),  # one category
        ("authors: Alexis Metaireau", "authors", ("Alexis Metaireau",)),  # one name
        ("series: A Long Series", "series", ("A Long Series",)),
    ],
)
def test_lists_written_as_text_read_as_their_tool_reads_them(line, taxonomy, terms):
    front = split(f"---\n{line}\n---\nBody.\n", "content/x.md")
    meta, errors = validate(front, "content/x.md", dt.UTC, ("categories", "authors", "series"))
    assert errors == []
    assert (meta.tags if taxonomy == "tags" else meta.terms[taxonomy]) == terms
