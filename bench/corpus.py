"""Write a realistic Markdown corpus for benchmarks: N files, the same bytes for the same N.

    python bench/corpus.py OUT N [PHOTOS]

OUT/posts/ holds dated blog posts (nine in ten files), OUT/pages/ plain pages. Each file
has YAML front matter (title, date, tags, summary) and a body of 300 to 1,500 words:
headings, paragraphs with emphasis and inline code, lists, a table, fenced code in several
languages, quotes, footnotes, links to other files of the corpus and to other sites.
With PHOTOS, that many posts each show a photo of their own (a JPEG of 2,400 × 1,600
pixels beside them in OUT/posts/img/), with alt text and a caption.
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


def write_photos(posts: list[Path], count: int, seed: int = 7) -> list[Path]:
    """Give ``count`` of ``posts`` a photo each, shown in the post; return the photos.

    Each is drawn (a sky, a sun, ridges of hills, grain): with the detail of a photo, so
    its copies cost what a photo's do, and different from every other."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    width, height = 2400, 1600
    grain = Image.effect_noise((width, height), 24).convert("RGB")
    photos = []
    for post in sorted(posts)[:count]:
        top, bottom = (tuple(rng.randint(20, 240) for _ in range(3)) for _ in range(2))
        sky = Image.linear_gradient("L").resize((width, height))
        image = Image.composite(
            Image.new("RGB", sky.size, bottom), Image.new("RGB", sky.size, top), sky
        )
        draw = ImageDraw.Draw(image)
        x, y, r = rng.randint(200, width - 200), rng.randint(150, height // 2), rng.randint(50, 120)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 230, 190))
        for level in range(4):
            base = height * (0.45 + 0.13 * level)
            shade = tuple(max(0, c - 45 * (level + 1)) for c in top)
            points = [(0, height)] + [
                (step, base - rng.randint(0, 160)) for step in range(0, width + 80, 80)
            ]
            draw.polygon([*points, (width, height)], fill=shade)
        image = Image.blend(image, grain, 0.08).filter(ImageFilter.SMOOTH)
        photo = post.parent / "img" / f"{post.stem}.jpg"
        photo.parent.mkdir(exist_ok=True)
        image.save(photo, quality=85)
        text = post.read_text("utf-8")
        shown = f'\n![Hills under a sky, drawn for {post.stem}](img/{photo.name} "{post.stem}")\n'
        post.write_text(text + shown, "utf-8")
        photos.append(photo)
    return photos


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or not all(arg.isdigit() for arg in sys.argv[2:]):
        sys.exit(__doc__)
    written = write_corpus(Path(sys.argv[1]), int(sys.argv[2]))
    if len(sys.argv) == 4:
        write_photos([path for path in written if path.parent.name == "posts"], int(sys.argv[3]))
