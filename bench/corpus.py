"""Write a realistic Markdown corpus for benchmarks: N files, the same bytes for the same N.

    python bench/corpus.py OUT N

OUT/posts/ holds dated blog posts (nine in ten files), OUT/pages/ plain pages. Each file
has YAML front matter (title, date, tags, summary) and a body of 300 to 1,500 words:
headings, paragraphs with emphasis and inline code, lists, a table, fenced code in several
languages, quotes, footnotes, links to other files of the corpus and to other sites.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

# One sentence is easier to read and edit than a list of words.
VOCABULARY = (  # noqa: SIM905
    "site page post template render build freeze route preview author content draft theme "
    "markdown link anchor heading table list quote code block image feed tag archive index "
    "server request response cache deploy publish host static python flask error line file "
    "value option default setting output input model view fast clear simple small careful "
    "a the of to and in is for on with as by at from it this that be are was or an not"
).split()
TAG_NAMES = [f"subject-{number:02d}" for number in range(40)]
SNIPPETS = {
    "python": (
        "def step_{n}(items):\n    total = sum(x * {n} for x in items)\n"
        '    return {{"step": {n}, "total": total}}\n'
    ),
    "javascript": (
        "function step{n}(items) {{\n  return items.map((x) => x * {n}).join(', ');\n}}\n"
    ),
    "bash": 'for page in build/*/index.html; do\n  grep -c "href" "$page"\ndone  # step {n}\n',
    "toml": '[step_{n}]\nname = "step {n}"\nenabled = true\n',
}


def words(rng: random.Random, low: int, high: int) -> str:
    chosen = [rng.choice(VOCABULARY) for _ in range(rng.randint(low, high))]
    return " ".join(chosen)


def sentence(rng: random.Random, targets: list[str], folder: str) -> str:
    text = words(rng, 6, 16)
    roll = rng.random()
    if roll < 0.12:
        text += f" *{words(rng, 1, 2)}*"
    elif roll < 0.2:
        text += f" **{words(rng, 1, 2)}**"
    elif roll < 0.3:
        text += f" `{rng.choice(VOCABULARY)}_{rng.randint(1, 99)}()`"
    elif roll < 0.45:
        target = rng.choice(targets)
        target_folder, name = target.split("/")
        relative = name if target_folder == folder else f"../{target}"
        text += f" as [{name[:-3].replace('-', ' ')}]({relative}) shows"
    elif roll < 0.5:
        text += f" ([reference](https://docs.example.com/{rng.randint(1, 500)}))"
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random, targets: list[str], folder: str) -> str:
    parts: list[str] = []
    length = rng.randint(300, 1500)
    count = 0
    section = 0
    footnotes = 0
    while count < length:
        section += 1
        parts.append(f"## {words(rng, 2, 5).capitalize()} {section}\n")
        for _ in range(rng.randint(1, 3)):
            paragraph = " ".join(sentence(rng, targets, folder) for _ in range(rng.randint(2, 5)))
            if rng.random() < 0.1:
                footnotes += 1
                paragraph += f"[^{footnotes}]"
            count += paragraph.count(" ") + 1
            parts.append(paragraph + "\n")
        roll = rng.random()
        if roll < 0.2:
            parts.append("".join(f"- {words(rng, 3, 8)}\n" for _ in range(rng.randint(3, 6))))
        elif roll < 0.35:
            rows = "".join(
                f"| {rng.choice(VOCABULARY)} | {rng.randint(1, 999)} | {words(rng, 2, 4)} |\n"
                for _ in range(rng.randint(2, 5))
            )
            parts.append("| Name | Count | Note |\n|---|---:|---|\n" + rows)
        elif roll < 0.55:
            language = rng.choice(sorted(SNIPPETS))
            code = SNIPPETS[language].format(n=rng.randint(1, 99))
            parts.append(f"```{language}\n{code}```\n")
        elif roll < 0.65:
            parts.append(f"> {sentence(rng, targets, folder)}\n")
    parts.extend(f"[^{number}]: {words(rng, 4, 10)}.\n" for number in range(1, footnotes + 1))
    return "\n".join(parts)


def write_corpus(out: Path, count: int, seed: int = 7) -> list[Path]:
    """Write ``count`` files under ``out``; return their paths."""
    rng = random.Random(seed)
    posts = max(1, count * 9 // 10)
    names = [f"posts/post-{number:05d}.md" for number in range(1, posts + 1)]
    names += [f"pages/page-{number:05d}.md" for number in range(1, count - posts + 1)]
    start = dt.date(2016, 1, 1)
    written = []
    for name in names:
        folder = name.split("/")[0]
        title = words(rng, 3, 7).capitalize()
        tags = ", ".join(sorted(rng.sample(TAG_NAMES, rng.randint(1, 4))))
        date = start + dt.timedelta(days=rng.randint(0, 3650))
        front = [f'title: "{title}"', f"date: {date.isoformat()}", f"tags: [{tags}]"]
        front.append(f'summary: "{sentence(rng, names, folder)}"')
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "---\n" + "\n".join(front) + "\n---\n\n" + body(rng, names, folder), "utf-8"
        )
        written.append(path)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3 or not sys.argv[2].isdigit():
        sys.exit(__doc__)
    write_corpus(Path(sys.argv[1]), int(sys.argv[2]))
