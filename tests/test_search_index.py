"""The search index: its words are cut and folded as search.js cuts and folds a query, and
a rebuild patches it into the same bytes a full pass makes."""

from __future__ import annotations

import itertools
import json
import os
import re
import sys
import unicodedata
from unittest import mock

from conftest import REPOSITORY
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_theme import serving

from frostpage import search
from frostpage.build import build

VOCABULARY = [f"w{number}" for number in range(60)] + ["café", "naïve", "静", "the", "﨑", "𠮷"]


def document(number: int, title: str, text: str) -> search.Document:
    counted = search.words_of(text)
    return search.Document(f"/p{number}/", title, "Docs", counted.digest, lambda: counted)


def full(found: list[search.Document]) -> tuple[dict[str, bytes], search.Made]:
    made: list[search.Made] = []
    files = dict(search.index_files(found, made))
    return files, made[0]


def patched(
    before: tuple[dict[str, bytes], search.Made],
    old: list[search.Document],
    new: list[search.Document],
) -> tuple[dict[str, bytes], search.Made] | None:
    """The files after patching ``before`` (the index of ``old``) for ``new``, or None."""
    files, made = before
    words_before = {d.digest: d.words() for d in old}.get
    kept: list[search.Made] = []
    changed = search.patched_files(new, made, files.__getitem__, words_before, kept)
    if changed is None:
        return None
    result = {name: files.get(name, b"") for name in kept[0].names()}
    return {**result, **dict(changed)}, kept[0]


texts = st.lists(st.sampled_from(VOCABULARY), min_size=0, max_size=40).map(" ".join)
titles = st.lists(st.sampled_from(VOCABULARY[:8]), min_size=1, max_size=3).map(" ".join)
edits = st.lists(
    st.tuples(
        st.integers(0, 29), st.sampled_from(["text", "title", "append", "clear", "swap"]), texts
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(titles, texts), min_size=1, max_size=30), edits, st.booleans())
@example([("w1", "𠀵 﨑 w2")], [(0, "append", "﨑")], True)  # in UTF-16 order, 𠀵 < 﨑
def test_a_patched_index_is_the_index_a_full_pass_makes(pages, changes, pinned) -> None:
    """Small files, so that an edit moves their cuts; the average length pinned or not
    (a small site's moves with most edits, and then the index is made anew)."""
    average = (
        mock.patch.object(search, "_average", lambda lengths: 7.0) if pinned else mock.MagicMock()
    )
    with (
        mock.patch.object(search, "CHUNK_BYTES", 60),
        mock.patch.object(search, "MOST_CHUNK_BYTES", 240),
        average,
    ):
        old = [document(n, title, text) for n, (title, text) in enumerate(pages)]
        new_pages = list(pages)
        for at, kind, text in changes:
            at %= len(new_pages)
            title, former = new_pages[at]
            if kind == "swap":  # two pages trade places, as when a post's date changes
                other = (at + 1) % len(new_pages)
                new_pages[at], new_pages[other] = new_pages[other], new_pages[at]
                continue
            new_pages[at] = {
                "text": (title, text),
                "title": (text.split(" ")[0] or "Empty", former),
                "append": (title, former + " " + text),
                "clear": (title, ""),
            }[kind]
        new = [document(n, title, text) for n, (title, text) in enumerate(new_pages)]
        before = full(old)
        result = patched(before, old, new)
        expected = full(new)
        if result is not None:
            assert result[0] == expected[0]
            assert result[1] == expected[1]


def test_one_edit_rewrites_only_the_files_that_hold_its_words() -> None:
    pages = [(f"Page {n}", " ".join(VOCABULARY[n % 50 : n % 50 + 12])) for n in range(400)]
    old = [document(n, title, text) for n, (title, text) in enumerate(pages)]
    new = list(old)
    new[7] = document(7, "Page 7", pages[7][1] + " w3 quokka")
    with (
        mock.patch.object(search, "CHUNK_BYTES", 600),
        mock.patch.object(search, "MOST_CHUNK_BYTES", 2400),
    ):
        before = full(old)
        files, _ = before
        kept: list[search.Made] = []
        words_before = {d.digest: d.words() for d in old}.get
        changed = dict(
            search.patched_files(new, before[1], files.__getitem__, words_before, kept) or {}
        )
        assert changed, "a page's edit is patched, not made anew"
        chunks = [name for name in files if name.startswith("words/")]
        assert len(chunks) > 10
        rewritten = [name for name in changed if name.startswith("words/")]
        assert 0 < len(rewritten) < len(chunks) / 3
        assert [name for name in changed if name.startswith("pages/")] == ["pages/7.json"]
        assert (
            json.loads(changed[search.ENTRY])["version"]
            != json.loads(files[search.ENTRY])["version"]
        )
        expected = full(new)[0]
        assert {name: expected[name] for name in changed} == changed


def test_a_page_s_score_for_a_word_is_bm25_without_rarity_plus_a_title_bonus() -> None:
    """Worked out by hand (k1 1.2, b 0.75, average length 2, hundredths): both passes
    share the scoring, so the patch's test alone could not see it drift."""
    files, _ = full([document(0, "Fruit", "apple apple pear"), document(1, "Pear", "pear")])
    chunk = {}
    for name, data in files.items():
        if name.startswith("words/"):
            chunk.update(json.loads(data))
    # apple in page 0 (length 3): 2 × 2.2 / (2 + 1.2 × (0.25 + 0.75 × 3 / 2)) = 1.21
    # pear in page 0: 1 × 2.2 / (1 + 1.65) = 0.83; in page 1 (length 1, its title):
    # 2.2 / (1 + 1.2 × (0.25 + 0.75 / 2)) + 2 = 3.26; fruit, only in page 0's title: 2
    assert chunk == {"apple": [0, 121], "pear": [0, 83, 1, 326], "fruit": [0, 200]}


def test_pages_that_come_or_go_make_the_index_anew() -> None:
    old = [document(n, f"Page {n}", "w1 w2") for n in range(5)]
    before = full(old)
    words_before = {d.digest: d.words() for d in old}.get
    for new in (old[:4], [*old, document(5, "Page 5", "w1")]):
        assert search.patched_files(new, before[1], before[0].__getitem__, words_before, []) is None


def test_a_rebuild_patches_the_index_of_a_site(tmp_path, monkeypatch) -> None:
    """A page's words changed (its length not): the rebuild patches each language's index,
    and writes what a full build writes."""
    from sitecheck import contents
    from test_docs_sites import write

    from frostpage import build

    words = " ".join(VOCABULARY[:20])
    files = {
        f"content/docs/page-{n}.md": f"---\ntitle: Page {n}\n---\n{words} w{n}.\n"
        for n in range(40)
    }
    root = write(tmp_path / "site", files)
    build(root)
    page = root / "content/docs/page-3.md"
    page.write_text(page.read_text("utf-8").replace("w3.", "quokka."), "utf-8")

    def made_anew(*args: object) -> None:
        raise AssertionError("the index was made anew")

    monkeypatch.setattr(search, "index_files", made_anew)
    build(root)
    monkeypatch.undo()
    build(root, tmp_path / "full", force=True, full=True)
    assert contents(root / "build") == contents(tmp_path / "full")
    assert any(b"quokka" in data for data in contents(root / "build/_search/words").values())


def test_a_first_build_makes_its_index_beside_the_link_check_as_one_process_does(
    tmp_path, monkeypatch
) -> None:
    """On more than one core, a first build's index is made in a forked process while the
    links are checked: the same files as in one process, and a rebuild patches it."""
    from sitecheck import contents
    from test_docs_sites import write

    from frostpage import build

    words = " ".join(VOCABULARY[:20])
    files = {
        f"content/docs/page-{n}.md": f"---\ntitle: Page {n}\n---\n{words} w{n % 60}.\n"
        for n in range(120)
    }
    build_module = sys.modules["frostpage.build"]
    making = search.index_files
    makers = tmp_path / "makers"

    def noted(*args: object) -> object:
        with makers.open("a") as file:
            file.write(f"{os.getpid()}\n")
        return making(*args)

    monkeypatch.setattr(search, "index_files", noted)
    built = {}
    for cores in (1, 2):
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        built[cores] = write(tmp_path / f"on-{cores}", files)
        build(built[cores])
    monkeypatch.setattr(build_module, "MOST_PAGES_BESIDE", 100)  # a big site's: made here
    build(write(tmp_path / "big", files))
    first, beside, after = makers.read_text().split()
    assert first == after == str(os.getpid()) != beside
    index = {cores: contents(root / "build/_search") for cores, root in built.items()}
    assert index[2] == index[1] and len(index[2]) > 120
    root = built[2]
    page = root / "content/docs/page-3.md"
    page.write_text(page.read_text("utf-8").replace("w3.", "quokka."), "utf-8")

    def made_anew(*args: object) -> None:
        raise AssertionError("the index was made anew")

    monkeypatch.setattr(search, "index_files", made_anew)
    build(root)  # the words the first build counted were kept: the index is patched
    monkeypatch.setattr(search, "index_files", making)
    build(root, tmp_path / "full", force=True, full=True)
    assert contents(root / "build") == contents(tmp_path / "full")


def test_each_page_s_words_are_counted_once_where_it_renders(tmp_path, monkeypatch) -> None:
    """On two cores a worker keeps the words it counts itself: the index counts none again
    and is the index one process makes; and when a rebuild renders many pages in workers,
    the words they replaced come back, so the index is patched."""
    from sitecheck import contents
    from test_docs_sites import write

    from frostpage import build, parallel

    counting = search.words_of
    counted = tmp_path / "counted"

    def noted(text: str, digest: str | None = None) -> search.Words:
        with counted.open("a") as file:
            file.write(f"{os.getpid()}\n")
        return counting(text, digest)

    monkeypatch.setattr(search, "words_of", noted)
    monkeypatch.setattr(parallel, "words_of", noted)
    words = " ".join(VOCABULARY[:20])
    files = {
        f"content/docs/page-{n}.md": f"---\ntitle: Page {n}\n---\n{words} w{n % 60}.\n"
        for n in range(120)
    }
    built, counts = {}, {}
    for cores in (1, 2):
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        built[cores] = write(tmp_path / f"on-{cores}", files)
        build(built[cores])
        counts[cores] = counted.read_text().split()
        counted.unlink()
    assert len(set(counts[2])) == 2  # counted in a worker too
    assert len(counts[2]) == len(counts[1]) >= 120
    assert contents(built[2] / "build/_search") == contents(built[1] / "build/_search")
    root = built[2]
    for n in range(100):
        page = root / f"content/docs/page-{n}.md"
        page.write_text(page.read_text("utf-8").replace(f" w{n % 60}.", " quokka."), "utf-8")
    making = search.index_files

    def made_anew(*args: object) -> None:
        raise AssertionError("the index was made anew")

    monkeypatch.setattr(search, "index_files", made_anew)
    build(root)
    assert len(set(counted.read_text().split())) == 2
    monkeypatch.setattr(search, "index_files", making)
    build(root, tmp_path / "full", force=True, full=True)
    assert contents(root / "build") == contents(tmp_path / "full")


def test_the_preview_patches_its_index_after_a_save(tmp_path, monkeypatch) -> None:
    """The preview serves, after a save, the index a full build of the saved site writes."""
    from test_docs_sites import write

    from frostpage import build
    from frostpage.app import create_app

    words = " ".join(VOCABULARY[:20])
    files = {
        f"content/docs/page-{n}.md": f"---\ntitle: Page {n}\n---\n{words} w{n}.\n"
        for n in range(40)
    }
    root = write(tmp_path / "site", files)
    client = create_app(root, dev=True).test_client()
    first = client.get("/_search/index.json").json
    page = root / "content/docs/page-3.md"
    page.write_text(page.read_text("utf-8").replace("w3.", "quokka."), "utf-8")

    def made_anew(*args: object) -> None:
        raise AssertionError("the index was made anew")

    monkeypatch.setattr(search, "index_files", made_anew)
    entry = client.get("/_search/index.json").json
    monkeypatch.undo()
    assert entry["version"] != first["version"]
    build(root, tmp_path / "full", force=True, full=True)
    built = tmp_path / "full/_search"
    assert json.loads((built / "index.json").read_text("utf-8")) == entry
    names = [f"words/{name}.json" for _, name in entry["words"]]
    names += [f"pages/{number}.json" for number in range(entry["pages"])]
    for name in names:
        assert client.get(f"/_search/{name}").data == (built / name).read_bytes(), name


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)  # valid Unicode


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(TEXT, st.lists(st.integers(0, 2**31), max_size=6), max_size=5),
    st.fixed_dictionaries({"u": TEXT, "t": TEXT, "s": TEXT, "x": TEXT}),
)
def test_index_files_are_the_compact_json_of_the_standard_library(words, page):
    """The index's files are written with orjson, byte for byte what json.dumps writes
    (control characters, quotes, U+2028, astral characters, keys in their order)."""
    for value in (words, page, {"version": "ab", "words": [("a", "b")], "pages": 3}):
        written = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        assert search._json(value) == written


def from_search_js(pattern: str) -> str:
    """The lines of static/js/search.js that ``pattern`` finds, to be run in Chromium."""
    script = (REPOSITORY / "static/js/search.js").read_text("utf-8")
    return re.search(pattern, script, re.DOTALL | re.MULTILINE).group(0)


def test_words_are_cut_and_folded_as_search_js_does_a_query(browser) -> None:
    """Every character Python knows of the first two planes, between letters and alone,
    and sentences in scripts whose vowel signs are marks or that have no spaces between
    words: the index's words are the query's, as search.js's own lines make them."""
    names = ("fold", "IDEOGRAPH", "SPACELESS", "LETTER", "WORD_SOURCE", "WORD", "PAIRED")
    lines = [from_search_js(rf"^ *const {name} = .*?;$") for name in (*names, "pieces", "wordsOf")]
    texts = [
        f"x{char}y {char}"
        for char in map(chr, range(0x20000))
        if unicodedata.category(char) not in ("Cn", "Cs")  # unassigned, surrogates
    ]
    texts += ["हिन्दी भाषा", "தமிழ்", "Tiếng Việt", "cafe\u0301 CAFÉ", "ΟΔΟΣ", "İstanbul"]
    texts += ["ภาษาไทยเป็นภาษาราชการ๚ของประเทศ", "ພາສາລາວ", "ភាសាខ្មែរ។", "မြန်မာစာ၊ ok"]
    page = browser.new_page()
    cut = page.evaluate("texts => {" + "\n".join(lines) + "\nreturn texts.map(wordsOf);}", texts)
    page.close()
    differ = [(text, js) for text, js in zip(texts, cut, strict=True) if search.words(text) != js]
    assert differ == []
    assert search.words("हिन्दी cafe\u0301") == ["हनद", "cafe"]
    # A Thai word is found inside a sentence: the pairs of its letters are the sentence's.
    assert set(search.words("ประเทศ")) <= set(search.words("ภาษาราชการของประเทศไทย"))
    assert search.words("ไทย") == ["ไท", "ทย"]


def test_the_planes_looked_at_hold_every_mark() -> None:
    def marks(codes) -> list[int]:
        return [code for code in codes if unicodedata.category(chr(code)).startswith("M")]

    assert marks(itertools.chain(*search.MARK_PLANES)) == marks(range(sys.maxunicode + 1))


def test_search_js_looks_for_each_word_in_the_file_that_holds_it(browser) -> None:
    """search.js orders words as JavaScript compares strings (by UTF-16 code units): a
    character beyond the first 65,536 comes before 﨑 (U+FA11) there, after it by code
    point. The index is cut in that order, so the files a query looks in hold its word,
    and the words the word being typed begins."""
    rare = "﨎﨏﨑﨓﨔﨟﨡﨣﨤﨧﨨﨩"  # ideographs of the compatibility block: not folded away
    words = [f"w{number}" for number in range(6_000)] + list(rare)
    words += [chr(code) for code in range(0x20000, 0x20000 + 12_000)]  # Extension B
    files, made = full([document(n, "T", " ".join(words[n::200])) for n in range(200)])
    assert len(made.chunks) > 3
    held = {
        word: name
        for name, content in files.items()
        if name.startswith("words/")
        for word in json.loads(content)
    }
    beginnings = ["w1", "w59"]
    asked = [(word, word) for word in held] + [(b, b + "\U0010ffff") for b in beginnings]
    page = browser.new_page()
    looked_in = page.evaluate(
        "([table, asked]) => {"
        + from_search_js(r"^  function chunksFor\(.*?^  }$")
        + "\nreturn asked.map(([first, last]) => chunksFor(first, last));}",
        [json.loads(files["index.json"]), asked],
    )
    page.close()
    wanted = [[word] for word in held] + [
        [word for word in held if word.startswith(beginning)] for beginning in beginnings
    ]
    missed = [
        word
        for words_of, files_of in zip(wanted, looked_in, strict=True)
        for word in words_of
        if held[word] not in files_of
    ]
    assert missed == []


def test_the_search_box_finds_a_word_inside_a_sentence_written_without_spaces(
    write_site, browser
) -> None:
    """Typed in Chromium: a Thai word in the middle of a sentence, and a Hindi word whose
    vowel signs are marks; each finds its page, and the excerpt marks where."""
    root = write_site(
        {
            "content/posts/thai.md": "---\ntitle: Thai\ndate: 2025-01-02\n---\n"
            "ภาษาไทยเป็นภาษาราชการของประเทศไทย\n",
            "content/posts/hindi.md": "---\ntitle: Hindi\ndate: 2025-01-03\n---\n"
            "हिन्दी भारत की एक प्रमुख भाषा है।\n",
        }
    )
    build(root)
    thai, hindi = "ภาษาไทยเป็นภาษาราชการของประเทศไทย", "प्रमुख"
    with serving(root / "build") as base:
        for query, title, marked in (("ประเทศ", "Thai", thai), ("प्रमुख", "Hindi", hindi)):
            page = browser.new_page()
            page.goto(base + "/")
            page.fill("#search-input", query)
            page.locator(".search-results .search-title").first.wait_for(timeout=5000)
            assert page.locator(".search-results .search-title").all_text_contents() == [title]
            assert page.locator(".search-results mark").first.text_content(timeout=5000) == marked
            page.close()
