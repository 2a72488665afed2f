"""Images of content/: sizes in the HTML, resized copies in modern formats, captions,
social cards, warnings, and a cache that makes each copy once. Every check reads the built
HTML and the written images back (with Pillow)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, features
from selectolax.lexbor import LexborHTMLParser
from test_theme import serving

from frostpage import create_app
from frostpage.build import build
from frostpage.errors import SiteError, SiteErrors

FORMATS = [name for name in ("avif", "webp") if features.check(name)]
POST = """\
---
title: A walk
date: 2025-05-01
image: hill.jpg
---
The hill, first.

![The hill at dawn](hill.jpg "Dawn on the hill")

A kite ![a kite](kite.png "Flying") in the text.

![A tower, upright](tall.jpg)
"""


def photo(path: Path, size: tuple[int, int], seed: int, mode: str = "RGB", turn: int = 0) -> None:
    """A picture with some detail, so that its copies are real work; ``turn`` is an EXIF
    orientation."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.linear_gradient("L").resize(size).convert(mode)
    draw = ImageDraw.Draw(image)
    for n in range(30):
        x, y = (seed * 97 + n * 131) % size[0], (seed * 53 + n * 71) % size[1]
        colour = ((n * 37) % 255, (n * 91) % 255, (seed * 29 + n) % 255, 200)
        draw.ellipse([x, y, x + size[0] // 8, y + size[1] // 8], fill=colour[: len(mode)])
    exif = Image.Exif()
    if turn:
        exif[0x0112] = turn
    image.save(path, exif=exif)


@pytest.fixture
def walk(write_site) -> Path:
    """A site with a post of three photos: a wide JPEG, a PNG with transparency, and a JPEG
    stored sideways (EXIF orientation 6)."""
    root = write_site({"content/posts/walk/index.md": POST})
    folder = root / "content/posts/walk"
    photo(folder / "hill.jpg", (2400, 1600), 1)
    photo(folder / "kite.png", (1000, 800), 2, mode="RGBA")
    photo(folder / "tall.jpg", (1600, 1200), 3, turn=6)
    return root


def images_of(page: Path) -> list:
    return LexborHTMLParser(page.read_text("utf-8")).css("main img")


def copies_of(node, build_folder: Path) -> dict[str, list[tuple[str, int]]]:
    """The srcset of each <source> of the <picture> around ``node``: type → (file, width)."""
    found = {}
    for source in node.parent.css("source"):
        items = [item.split() for item in source.attributes["srcset"].split(",")]
        found[source.attributes["type"]] = [
            (str(build_folder / url.lstrip("/")), int(width[:-1])) for url, width in items
        ]
    return found


def test_images_get_their_size_copies_in_modern_formats_and_lazy_loading(walk):
    result = build(walk)
    out = walk / "build"
    hill, kite, tall = images_of(out / "posts/walk/index.html")
    # The size as shown: the sideways photo is upright, 1200 × 1600.
    sizes = [(int(i.attributes["width"]), int(i.attributes["height"])) for i in (hill, kite, tall)]
    assert sizes == [(2400, 1600), (1000, 800), (1200, 1600)]
    # The first image may be the largest paint: loaded at once; the others lazily.
    assert "loading" not in hill.attributes and "decoding" not in hill.attributes
    assert hill.attributes["fetchpriority"] == "high"
    for later in (kite, tall):
        assert later.attributes["loading"] == "lazy" and later.attributes["decoding"] == "async"
        assert "fetchpriority" not in later.attributes
    # The original is the fallback, under its fingerprinted name.
    with Image.open(out / hill.attributes["src"].lstrip("/")) as original:
        assert original.size == (2400, 1600) and original.format == "JPEG"
    for node, width, height in ((hill, 2400, 1600), (kite, 1000, 800), (tall, 1200, 1600)):
        assert node.parent.tag == "picture"
        copies = copies_of(node, out)
        assert list(copies) == [f"image/{name}" for name in FORMATS]
        for kind, files in copies.items():
            widths = [w for _, w in files]
            # The configured widths below the image's, and its own up to the widest.
            assert widths == sorted(
                {w for w in (480, 800, 1200, 1600) if w < width} | {min(width, 1600)}
            )
            for file, w in files:
                with Image.open(file) as copy:
                    assert copy.format == kind.split("/")[1].upper()
                    assert copy.size == (w, round(height * w / width))
                    if node is kite:
                        assert copy.mode == "RGBA"  # transparency kept
        assert node.parent.css_first("source").attributes["sizes"]
    assert result.images_made == len(FORMATS) * (4 + 3 + 3) + 1  # and the social card


def test_a_title_on_an_image_alone_in_its_paragraph_is_a_caption(walk):
    build(walk)
    html = LexborHTMLParser((walk / "build/posts/walk/index.html").read_text("utf-8"))
    figure = html.css_first("main figure")
    assert figure.css_first("img").attributes["alt"] == "The hill at dawn"
    assert "title" not in figure.css_first("img").attributes
    assert figure.css_first("figcaption").text() == "Dawn on the hill"
    # An image inside a sentence stays in it, its title a tooltip.
    kite = html.css("main img")[1]
    assert kite.attributes["title"] == "Flying" and kite.parent.parent.tag == "p"
    assert len(html.css("main figure")) == 1


def test_the_social_card_is_1200_by_630(walk):
    build(walk)
    out = walk / "build"
    html = LexborHTMLParser((out / "posts/walk/index.html").read_text("utf-8"))
    meta = {
        node.attributes["property"]: node.attributes["content"]
        for node in html.css("meta[property^='og:image']")
    }
    assert meta["og:image"].startswith("https://example.org/posts/walk/hill-1200x630.")
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    with Image.open(out / meta["og:image"].removeprefix("https://example.org/")) as card:
        assert card.size == (1200, 630) and card.format == "JPEG"


def test_each_copy_is_made_once_and_a_changed_image_only_remakes_its_own(walk):
    first = build(walk)
    cache = walk / ".frostpage-cache/images"
    made = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    assert first.images_made == len(made) > 0
    assert build(walk).up_to_date
    os.utime(walk / "content/index.md")  # the site is loaded again, and nothing changed
    again = build(walk)
    assert again.images_made == 0
    assert {path.name: path.stat().st_mtime_ns for path in cache.iterdir()} == made
    assert "image copies made" not in again.summary()

    page = walk / "build/posts/walk/index.html"
    before = page.read_text("utf-8")
    others = {
        path: path.stat().st_mtime_ns
        for path in (walk / "build").rglob("index.html")
        if "walk" not in path.read_text("utf-8")
    }
    photo(walk / "content/posts/walk/kite.png", (900, 600), 7, mode="RGBA")
    changed = build(walk)
    assert changed.images_made == len(FORMATS) * 3  # 480, 800 and its own 900
    # Only the pages that show the walk (its own, lists of its posts) are written again.
    assert others and all(path.stat().st_mtime_ns == stamp for path, stamp in others.items())
    # Its page, the lists that show it, and the search index: not every URL (46 more).
    assert changed.requested - again.requested < 25
    after = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    kept = {name: stamp for name, stamp in made.items() if name in after}
    assert len(kept) == len(made) - len(FORMATS) * 3  # the kite's old copies are gone
    assert all(after[name] == stamp for name, stamp in kept.items())
    kite = images_of(page)[1]
    assert (kite.attributes["width"], kite.attributes["height"]) == ("900", "600")
    assert page.read_text("utf-8") != before
    # Incremental and full builds agree, byte for byte.
    shutil.copytree(walk / "build", walk.parent / "incremental")
    build(walk, full=True)
    for path in (walk / "build").rglob("*"):
        if path.is_file():
            twin = walk.parent / "incremental" / path.relative_to(walk / "build")
            assert twin.read_bytes() == path.read_bytes(), path


def test_settings_choose_widths_formats_and_quality(walk):
    config = (walk / "site/config.toml").read_text("utf-8")
    config += '[images]\nwidths = [300, 600]\nformats = ["webp"]\nquality = 40\nlazy = false\n'
    (walk / "site/config.toml").write_text(config, "utf-8")
    build(walk)
    out = walk / "build"
    hill, kite, _ = images_of(out / "posts/walk/index.html")
    assert "loading" not in kite.attributes
    copies = copies_of(hill, out)
    assert list(copies) == ["image/webp"]
    assert [w for _, w in copies["image/webp"]] == [300, 600]
    small = Path(copies["image/webp"][1][0]).stat().st_size
    config = config.replace("quality = 40", "quality = 95")
    (walk / "site/config.toml").write_text(config, "utf-8")
    build(walk)
    hill = images_of(out / "posts/walk/index.html")[0]
    assert Path(copies_of(hill, out)["image/webp"][1][0]).stat().st_size > small


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('formats = ["webp", "gif"]', "site/config.toml:3: unknown image format 'gif'"),
        ("quality = 0", "site/config.toml:3: 'images.quality' must be a positive whole number"),
        ("quality = 101", "site/config.toml:3: 'images.quality' must be from 1 to 100"),
        ("avif_quality = 101", "site/config.toml:3: 'images.avif_quality' must be from 1 to"),
        ("widths = []", "site/config.toml:3: 'images.widths' must be a list of positive"),
    ],
)
def test_bad_image_settings_are_errors_with_their_line(write_site, table, message):
    root = write_site(config=f'title = "T"\n[images]\n{table}\n')
    with pytest.raises(SiteError) as raised:
        build(root)
    assert message in str(raised.value)


def test_missing_alt_text_is_a_warning_with_its_line(walk):
    post = POST.replace("![A tower, upright](tall.jpg)", "![](tall.jpg)")
    post += '\n<img src="kite.png">\n'
    (walk / "content/posts/walk/index.md").write_text(post, "utf-8")
    result = build(walk)
    assert any(
        w.startswith("content/posts/walk/index.md:12: the image 'tall.jpg' has no alt text")
        for w in result.warnings
    )
    assert any(
        w.startswith("content/posts/walk/index.md:14: the image 'kite.png'")
        for w in result.warnings
    )
    # Told again by the next build, which renders nothing again.
    assert sum("no alt text" in w for w in build(walk).warnings) == 2
    # The image written in HTML, relative to the page, is shown as the Markdown ones are.
    raw = images_of(walk / "build/posts/walk/index.html")[3]
    assert raw.attributes["src"].startswith("/posts/walk/kite.") and raw.parent.tag == "picture"


def test_an_unreadable_image_is_an_error_of_the_page_that_shows_it(walk):
    build(walk)
    before = (walk / "build/posts/walk/index.html").read_bytes()
    (walk / "content/posts/walk/kite.png").write_bytes(b"not a picture")
    with pytest.raises(SiteErrors) as raised:
        build(walk)
    assert "content/posts/walk/index.md:10: the image posts/walk/kite.png cannot be shown" in str(
        raised.value
    )
    assert (walk / "build/posts/walk/index.html").read_bytes() == before
    # Not shown by any page, it is published as it is.
    (walk / "content/posts/walk/index.md").write_text(POST.replace("kite.png", "tall.jpg"), "utf-8")
    build(walk)
    [published] = (walk / "build/posts/walk").glob("kite.*.png")
    assert published.read_bytes() == b"not a picture"


def test_svg_and_gif_get_their_size_and_no_copies(write_site):
    root = write_site(
        {
            "content/posts/shapes/index.md": (
                "---\ntitle: Shapes\ndate: 2025-01-01\n---\n"
                "![a circle](circle.svg)\n\n![a box](box.svg)\n\n![a dot](dot.gif)\n\n"
                "![no size](free.svg)\n\n![none at all](zero.svg)\n"
            ),
            "content/posts/shapes/circle.svg": (
                '<svg xmlns="http://www.w3.org/2000/svg" width="120px" height="80">'
                '<circle cx="40" cy="40" r="30"/></svg>'
            ),
            "content/posts/shapes/box.svg": (
                '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 150"></svg>'
            ),
            # Browsers show these at a size of their own: no size is given for them.
            "content/posts/shapes/free.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
            "content/posts/shapes/zero.svg": (
                '<svg xmlns="http://www.w3.org/2000/svg" width="50%" viewBox="0 0 0 0"/>'
            ),
        }
    )
    Image.new("RGB", (64, 32), "red").save(root / "content/posts/shapes/dot.gif")
    build(root)
    found = images_of(root / "build/posts/shapes/index.html")
    sizes = [(n.attributes.get("width"), n.attributes.get("height")) for n in found]
    assert sizes == [("120", "80"), ("300", "150"), ("64", "32"), (None, None), (None, None)]
    assert all(node.parent.tag != "picture" for node in found)
    # Under their fingerprinted names all the same.
    assert found[3].attributes["src"].startswith("/posts/shapes/free.")


def test_a_width_given_by_the_author_is_kept_and_the_copies_chosen_for_it(walk):
    post = POST.replace("(tall.jpg)", '(tall.jpg){: width="300" }')
    (walk / "content/posts/walk/index.md").write_text(post, "utf-8")
    build(walk)
    tall = images_of(walk / "build/posts/walk/index.html")[2]
    assert (tall.attributes["width"], tall.attributes["height"]) == ("300", "400")
    assert tall.parent.css_first("source").attributes["sizes"] == "300px"


def test_the_preview_shows_the_same_pictures_and_follows_an_edited_image(walk):
    app = create_app(walk, dev=True)
    client = app.test_client()
    html = LexborHTMLParser(client.get("/posts/walk/").get_data(as_text=True))
    kite = html.css("main img")[1]
    assert kite.attributes["src"] == "/posts/walk/kite.png"  # plain names in the preview
    assert kite.attributes["width"] == "1000"
    url = kite.parent.css_first("source").attributes["srcset"].split(",")[0].split()[0]
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == (f"image/{FORMATS[0]}" if FORMATS else "image/png")
    response.close()
    photo(walk / "content/posts/walk/kite.png", (500, 500), 4, mode="RGBA")
    with app.app_context():  # as the preview's watcher does on a change
        app.extensions["frostpage"].refresh([walk / "content/posts/walk/kite.png"])
    html = LexborHTMLParser(client.get("/posts/walk/").get_data(as_text=True))
    kite = html.css("main img")[1]
    assert (kite.attributes["width"], kite.attributes["height"]) == ("500", "500")


def test_feeds_give_the_copies_absolute_urls(walk):
    build(walk)
    feed = (walk / "build/feed.xml").read_text("utf-8")
    assert 'srcset="https://example.org/posts/walk/hill-480w.' in feed
    assert ", https://example.org/posts/walk/hill-800w." in feed
    assert '"/posts/walk/' not in feed and " /posts/walk/" not in feed


def test_copies_are_cached_for_good_by_the_host(walk):
    build(walk)
    headers = (walk / "build/_headers").read_text("utf-8")
    html = LexborHTMLParser((walk / "build/posts/walk/index.html").read_text("utf-8"))
    srcset = html.css_first("main source").attributes["srcset"]
    for item in srcset.split(","):
        url = item.split()[0]
        assert f"{url}\n  Cache-Control: public, max-age=31536000, immutable" in headers


def holding_images(page) -> list:
    """The page's image requests, held back until the caller continues them."""
    held = []

    def hold(route) -> None:
        if route.request.resource_type == "image":
            held.append(route)
        else:
            route.continue_()

    page.route("**/*", hold)
    return held


def test_chromium_downloads_a_copy_that_fits_and_nothing_moves(walk, browser):
    """Each image's box is laid out before the image arrives: the page is measured while the
    images are held back, then again once they are all in, and nothing has moved."""
    build(walk)
    boxes = """[...document.querySelectorAll('main *, footer')].map(node => {
        const box = node.getBoundingClientRect();
        return [node.tagName, box.top + scrollY, box.left, box.width, box.height];
    })"""
    with serving(walk / "build") as base:
        for width, wanted in ((412, 480), (1400, 800)):
            page = browser.new_page(viewport={"width": width, "height": 800})
            held = holding_images(page)
            page.goto(base + "/posts/walk/", wait_until="domcontentloaded")
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            for _ in range(100):  # the lazy images are asked for too once in view
                if len(held) == 3:
                    break
                page.wait_for_timeout(50)
            waiting = page.evaluate(boxes)
            for route in held:
                route.continue_()
            # Not wait_for_function: it may evaluate a string, which the policy forbids.
            for _ in range(100):
                if page.evaluate("[...document.images].every(i => i.complete)"):
                    break
                page.wait_for_timeout(100)
            chosen = page.evaluate(
                "[...document.querySelectorAll('main img')].map(i => i.currentSrc)"
            )
            assert chosen[0].endswith(f".{FORMATS[0]}") if FORMATS else chosen[0].endswith(".jpg")
            assert f"/posts/walk/hill-{wanted}w." in chosen[0]
            assert page.evaluate("[...document.images].every(i => i.naturalWidth > 0)")
            arrived = page.evaluate(boxes)
            assert [box[0] for box in arrived] == [box[0] for box in waiting]
            # A copy's height is rounded to whole pixels: less than one pixel may differ.
            moved = [
                (before, after)
                for before, after in zip(waiting, arrived, strict=True)
                if any(abs(a - b) >= 1 for a, b in zip(before[1:], after[1:], strict=True))
            ]
            assert not moved
            page.close()


def test_copies_keep_the_colours_of_images_in_any_mode(write_site):
    """Grey in 16 bits, CMYK, a palette with a transparent colour, grey with alpha, black
    and white: each copy looks like its image (sampled in the middle)."""
    folder = write_site({"content/index.md": "# Home\n"}, sample=False) / "content/odd"
    folder.mkdir()
    images = {
        "deep.png": Image.new("I;16", (900, 600), 30000),  # 46 % grey
        "cmyk.jpg": Image.new("CMYK", (900, 600), (0, 255, 255, 0)),  # red
        "palette.png": Image.new("P", (900, 600), 0),
        "grey-alpha.png": Image.new("LA", (900, 600), (100, 128)),
        "bw.png": Image.new("1", (900, 600), 1),
    }
    for name, image in images.items():
        image.save(folder / name)
    page = "".join(f"![{name}]({name})\n\n" for name in images)
    (folder / "index.md").write_text("---\ntitle: Odd\n---\n" + page, "utf-8")
    build(folder.parent.parent)
    out = folder.parent.parent / "build/odd"
    for name, image in images.items():
        stem = name.rsplit(".", 1)[0]
        expected = image.convert("RGBA").getpixel((450, 300))
        if name == "deep.png":
            expected = (117, 117, 117, 255)
        copies = list(out.glob(f"{stem}-*w.*"))
        assert len(copies) == len(FORMATS) * 3, name  # 480, 800 and 900 pixels wide
        for copy in copies:
            with Image.open(copy) as made:
                found = made.convert("RGBA").getpixel((made.width // 2, made.height // 2))
            assert all(abs(a - b) <= 12 for a, b in zip(found, expected, strict=True)), copy
