"""The invariant, over generated hostile sites: whatever the front matter, file names and
Markdown, a build either succeeds with a valid site or fails with `path:line: message`
errors, never anything else, and nothing outside build/ changes."""

from __future__ import annotations

import os
import shutil
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_safety import snapshot

from frostpage import SiteErrors, build

KEYS = ["title", "date", "updated", "tags", "draft", "summary", "template", "slug", "weight"]
KEYS += ["aliases", "image", "anything"]
# Other generators' keys that frostpage reads: URLs, aliases, taxonomies, dates.
KEYS += ["url", "permalink", "path", "redirect_from", "categories", "lastmod", "taxonomies"]
# The keys of translations (the base site has French and Arabic besides English).
KEYS += ["lang", "translation_key", "translationKey"]
# Strings authors (and attackers) write: paths, dates that are not, control characters.
TRICKY = [
    "..",
    ".",
    "/",
    "../../..",
    "/../x/",
    "%2e%2e",
    "a/b",
    "\x0b",
    "\x00",
    "\u2028",
    "2024-13-45",
    "2024-02-30",
    "2024-01-01T25:00:00",
    "javascript:x",
    "*a",
    "<script>",
    "{{ 7*7 }}",
    "~",
    "",
    "/archive/",
    "/tags/",
    "/404.html",
    "index.html",
    "/old page/",
    "/static/x",
    ":year/:title.html",
    "/_diagrams/x.js",
    "fr",
    "de",
    "/fr/",
    "/ar/tags/",
    "/fr/404.html",
]
text = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12))
values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
front_matter = st.dictionaries(st.sampled_from(KEYS), values, max_size=5)
# A part of a file name: any characters a file system takes, a few of them odd.
name_part = st.text(
    alphabet=st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=12,
).filter(lambda part: part not in (".", "..") and len(part.encode()) < 60)
# Names of translations: 'about.fr' beside 'about', in 'fr/' or 'ar/', in undeclared 'de'.
language_part = st.sampled_from(["fr", "ar", "de", "en", "fr/posts", "ar/fr", "pt-br"])
file_name = st.lists(name_part, min_size=1, max_size=3).map("/".join) | st.tuples(
    name_part, language_part, st.booleans()
).map(lambda t: f"{t[1]}/{t[0]}" if t[2] else f"{t[0]}.{t[1].replace('/', '.')}")
markdown = st.text(
    alphabet=string.ascii_letters + "#*_`[]()<>!-|>=~:\\/.\n \t" + "é\u00a0\x0b",
    max_size=300,
) | st.sampled_from(
    [
        "[x](../../../etc/passwd)",
        "[a](missing.md)",
        "    - x\n" * 50,
        "$$",
        # Other tools' syntax, aimed out of the project or at nothing.
        '--8<-- "../../../etc/passwd"',
        '--8<-- "/etc/passwd"',
        "--8<--\n.env\n",
        '{{< code file="../../etc/passwd" >}}',
        '{{< youtube "<script>" >}}',
        "{{< figure >}}",
        "{% raw %}",
        "{% highlight %}",
        '{{< ref "../../x.md" >}}',
        "[x](@/../../etc/passwd.md)",
        "[x]({filename}/../../x.md)",
        "```go {linenos=x, style=y}\nx\n",
        "$\\frac{$ and \\(\\nosuch\\)",
        "```mermaid\n<script>\n```",
    ]
)
page = st.tuples(file_name, front_matter, markdown)


@pytest.fixture(scope="module")
def base_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from frostpage.starter import copy_theme

    base = tmp_path_factory.mktemp("base")
    copy_theme(base)
    (base / "site").mkdir()
    (base / "site/config.toml").write_text(
        'title = "Hostile"\nbase_url = "https://x.example/"\n[languages.fr]\n[languages.ar]\n'
    )
    return base


# HOSTILE_EXAMPLES=1000 make test tries harder (60 examples take about 10 s).
@settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", 60)),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pages=st.lists(page, min_size=1, max_size=3))
def test_any_site_builds_or_fails_with_located_errors(base_site, tmp_path_factory, pages):
    project = tmp_path_factory.mktemp("hostile")
    root = project / "site-root"
    shutil.copytree(base_site, root)
    for name, meta, body in pages:
        path = root / "content" / f"{name}.md"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            dumped = yaml.safe_dump(meta, allow_unicode=True) if meta else ""
            path.write_text(f"---\n{dumped}---\n{body}" if meta else body, "utf-8")
        except (OSError, UnicodeEncodeError):
            continue  # a name this file system refuses is not an input frostpage can get
    before = snapshot(project)
    try:
        result = build(root)
    except SiteErrors as failure:
        for error in failure.errors:
            # `path:line: message`, one line, naming a file of the site that is there
            assert str(error).startswith(f"{error.location}: "), str(error)
            assert "\n" not in str(error).split("\n  hint: ")[0], str(error)
            assert os.path.lexists(root / error.path.rstrip("/")), str(error)
        assert not (root / "build").exists()
    else:
        assert (root / "build/index.html").is_file()
        assert result.files > 0
    assert snapshot(project) == before
