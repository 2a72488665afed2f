"""Images of content/ made ready for readers, with Pillow: their size for the HTML, resized
copies in modern formats for ``srcset``, and social cards of 1200×630 for link previews.

A copy's name carries a key of everything that makes it (the image's bytes, its size,
format and quality): a changed image or setting gives new names, so hosts may keep every
copy forever, and a copy once made is found again in ``.frostpage-cache/images/`` by its
key, never made twice. Only a page that shows an image needs it to be readable: an image
Pillow cannot read is that page's error.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError, features

from .assets import IMAGE_SUFFIXES, file_digest, fingerprinted_name
from .config import ImageSettings
from .errors import SiteError
from .paths import CACHE_FOLDER

# The way copies are made: a change here makes every copy again.
METHOD = "lanczos, orientation applied, metadata left out, 1"
CARD = (1200, 630)  # Open Graph's size for a large link preview
MEDIA_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
SUFFIXES = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
# A number with an optional "px": a length in pixels, as <svg> and <img> may give it.
PIXELS = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*")


def cache_folder(root: Path) -> Path:
    """Where the copies of a project's images are kept, by key."""
    return root / CACHE_FOLDER / "images"


class UnreadableImage(Exception):
    """An image file that Pillow cannot read (damaged, or not an image at all)."""


@dataclass(frozen=True)
class Copy:
    """A resized copy of an image of content/, or its social card."""

    source: str  # under content/: 'posts/img/a.jpg'
    name: str  # where it is published: 'posts/img/a-800w.<key>.webp'
    width: int
    height: int
    format: str  # 'avif', 'webp', 'jpeg' or 'png'
    quality: int
    card: bool = False  # filled to exactly width × height, cropped from the middle

    @property
    def key(self) -> str:
        return self.name.rsplit(".", 2)[-2]

    @property
    def cached_name(self) -> str:
        return f"{self.key}.{SUFFIXES[self.format]}"


@dataclass(frozen=True)
class Picture:
    """An image of content/ as pages show it: its size, as displayed, and its copies."""

    source: str
    width: int
    height: int
    copies: tuple[Copy, ...] = ()  # for srcset: by format, best first, then by width


def writable_formats(wanted: Iterable[str]) -> list[str]:
    """The formats of ``wanted`` that this Pillow can write (AVIF and WebP are optional)."""
    return [name for name in wanted if name in ("jpeg", "png") or features.check(name)]


def is_image(source: str) -> bool:
    return source.lower().endswith(IMAGE_SUFFIXES)


@dataclass(frozen=True)
class _Measured:
    width: int  # as shown: turned as its EXIF orientation says
    height: int
    copied: bool  # copies can be made of it: not animated, not a GIF
    transparent: bool


_measured: dict[str, _Measured] = {}  # by the digest of the file


def picture(content: Path, source: str, settings: ImageSettings) -> Picture | None:
    """``source`` (an image file of content/) measured, with the copies it gets; None for
    an SVG that gives itself no size (browsers show it at theirs). Raises UnreadableImage."""
    path = content / source
    if source.lower().endswith(".svg"):
        size = _svg_size(path)
        return Picture(source, *size) if size else None
    found = _measure(path)
    width, height = found.width, found.height
    if not found.copied:
        return Picture(source, width, height)
    digest = file_digest(path)
    widths = sorted({w for w in settings.widths if w < width} | {min(width, max(settings.widths))})
    copies = tuple(
        _copy(source, digest, w, round(height * w / width) or 1, kind, _quality(kind, settings))
        for kind in writable_formats(settings.formats)
        for w in widths
    )
    return Picture(source, width, height, copies)


def card(content: Path, source: str, settings: ImageSettings) -> Copy | None:
    """The social card of a raster image of content/: 1200×630, JPEG (PNG if it has
    transparency); None for an image that cannot be resized (SVG, GIF, unreadable)."""
    if source.lower().endswith(".svg"):
        return None
    try:
        found = _measure(content / source)
    except UnreadableImage:
        return None
    if not found.copied:
        return None
    kind = "png" if found.transparent else "jpeg"
    return _copy(source, file_digest(content / source), *CARD, kind, settings.quality, card=True)


def _quality(kind: str, settings: ImageSettings) -> int:
    return settings.avif_quality if kind == "avif" else settings.quality


def _copy(
    source: str, digest: str, width: int, height: int, kind: str, quality: int, card: bool = False
) -> Copy:
    recipe = f"{METHOD} {digest} {width}x{height} {kind} {quality} {card}"
    key = hashlib.sha256(recipe.encode()).hexdigest()[:10]
    stem, _, _ = source.rpartition(".")
    size = f"{width}x{height}" if card else f"{width}w"
    name = fingerprinted_name(f"{stem}-{size}.{SUFFIXES[kind]}", key)
    return Copy(source, name, width, height, kind, quality, card)


def _measure(path: Path) -> _Measured:
    """What Pillow reads of the image's header, once per version of the file."""
    try:
        digest = file_digest(path)
        if digest in _measured:
            return _measured[digest]
        with Image.open(path) as image:
            width, height = image.size
            if image.getexif().get(0x0112) in (5, 6, 7, 8):  # turned by a quarter
                width, height = height, width
            animated = getattr(image, "is_animated", False)
            copied = not animated and image.format != "GIF"
            found = _Measured(width, height, copied, image.has_transparency_data)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise UnreadableImage(_reason(error)) from None
    _measured[digest] = found
    return found


def _svg_size(path: Path) -> tuple[int, int] | None:
    """The pixel size an SVG gives itself: its width and height, else its viewBox."""
    try:
        start = path.read_bytes()[:8192].decode("utf-8", "replace")
    except OSError as error:
        raise UnreadableImage(_reason(error)) from None
    tag = re.search(r"<svg\b([^>]*)>", start)
    if not tag:
        raise UnreadableImage("it has no <svg> element")
    attributes = {
        name.lower(): html.unescape(value)
        for name, value in re.findall(r'([\w:-]+)\s*=\s*["\']([^"\']*)["\']', tag.group(1))
    }
    lengths = [PIXELS.fullmatch(attributes.get(name, "")) for name in ("width", "height")]
    box = attributes.get("viewbox", "").replace(",", " ").split()
    if lengths[0] and lengths[1]:
        width, height = float(lengths[0].group(1)), float(lengths[1].group(1))
    elif len(box) == 4 and all(PIXELS.fullmatch(number) for number in box[2:]):
        width, height = float(box[2]), float(box[3])
    else:
        return None
    return (round(width), round(height)) if round(width) > 0 and round(height) > 0 else None


def _reason(error: BaseException) -> str:
    """Why Pillow failed, without the file's whole path (the message names the file)."""
    if isinstance(error, UnidentifiedImageError):
        return "it is not an image Pillow can read"
    if isinstance(error, OSError) and error.strerror:
        return f"Pillow cannot read it ({error.strerror})"
    return f"Pillow cannot read it ({error})" if str(error) else "Pillow cannot read it"


def unchanged(content: Path, shown: dict[str, str]) -> bool:
    """Whether each image of ``shown`` (source → digest) still has that digest."""
    try:
        return all(file_digest(content / source) == digest for source, digest in shown.items())
    except OSError:
        return False


def missing(copies: Iterable[Copy], cache: Path) -> list[list[Copy]]:
    """The copies not in ``cache`` yet, in groups by image: each image is read once."""
    groups: dict[str, list[Copy]] = {}
    for copy in copies:
        if not (cache / copy.cached_name).is_file():
            groups.setdefault(copy.source, []).append(copy)
    return list(groups.values())


def make_group(copies: list[Copy], content: Path, cache: Path) -> int:
    """Make the copies of one image (all of ``copies`` share their source) into ``cache``;
    return how many were made."""
    source = copies[0].source
    try:
        with Image.open(content / source) as opened:
            image = ImageOps.exif_transpose(opened)
            image.load()
        if image.mode in ("I", "I;16", "I;16B", "I;16L"):  # grey in 16 bits: brought to 8
            image = image.convert("I").point(lambda value: value / 256).convert("L")
        resized: dict[tuple[int, int, bool, bool], Image.Image] = {}
        for copy in copies:  # one resizing for the copies of each size, whatever the format
            alpha = image.has_transparency_data and copy.format != "jpeg"
            size = (copy.width, copy.height, copy.card, alpha)
            if size not in resized:
                resized[size] = _resized(image, copy, alpha)
            _save(resized[size], copy, cache / copy.cached_name)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        problem = f"no resized copy can be made: {_reason(error)}"
        raise SiteError(f"content/{source}", None, problem) from None
    return len(copies)


def make(copy: Copy, content: Path, cache: Path) -> Path:
    """The file of ``copy``, made now if it is not in ``cache``."""
    path = cache / copy.cached_name
    if not path.is_file():
        make_group([copy], content, cache)
    return path


def _resized(image: Image.Image, copy: Copy, alpha: bool) -> Image.Image:
    converted = image.convert("RGBA" if alpha else "RGB")
    if copy.card:
        return ImageOps.fit(converted, (copy.width, copy.height), Image.Resampling.LANCZOS)
    if (copy.width, copy.height) == converted.size:
        return converted
    return converted.resize((copy.width, copy.height), Image.Resampling.LANCZOS)


def _save(image: Image.Image, copy: Copy, path: Path) -> None:
    """Written whole or not at all: a cache file is never a half-written image."""
    options: dict[str, object] = {"quality": copy.quality}
    if copy.format == "avif":
        options["speed"] = 8  # a few bytes more than the default's, in a tenth of the time
    elif copy.format == "jpeg":
        options.update(optimize=True, progressive=True)
    elif copy.format == "png":
        options = {"optimize": True}
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        image.save(partial, format=copy.format.upper(), **options)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def prune(cache: Path, kept: Iterable[Copy]) -> None:
    """Remove the cached copies no image has any more (of old versions, or old settings)."""
    names = {copy.cached_name for copy in kept}
    if cache.is_dir():
        for path in cache.iterdir():
            if path.name not in names and not path.name.startswith("."):
                path.unlink(missing_ok=True)


def picture_html(
    shown: Picture | None,
    attributes: dict[str, str | None],
    url_of: Callable[[str], str],
    settings: ImageSettings,
    first: bool,
) -> str:
    """An <img> with its size (unless ``shown`` is None: an SVG of no size), as a <picture>
    with a <source> per format when it has copies; every image but the page's ``first``
    loads lazily, and the first is fetched early. A width or height the author gave is kept
    (the other follows the image's proportions), and is the size the browser picks a copy
    for."""
    width, height = _given(attributes.get("width")), _given(attributes.get("height"))
    sizes = f"{width}px" if width else settings.sizes
    if shown is not None:
        if width and not height:
            height = round(width * shown.height / shown.width)
        elif height and not width:
            width = round(height * shown.width / shown.height)
        width, height = width or shown.width, height or shown.height
        attributes = {**attributes, "width": str(width), "height": str(height)}
    if first:  # perhaps the largest paint: fetched before the others
        attributes.setdefault("fetchpriority", "high")
    elif settings.lazy:
        attributes.setdefault("loading", "lazy")
        attributes.setdefault("decoding", "async")
    img = "<img" + "".join(_attribute(name, value) for name, value in attributes.items()) + ">"
    if shown is None or not shown.copies:
        return img
    sources = []
    for kind in dict.fromkeys(copy.format for copy in shown.copies):
        srcset = ", ".join(
            f"{url_of(copy.name)} {copy.width}w" for copy in shown.copies if copy.format == kind
        )
        sources.append(
            f'<source type="{MEDIA_TYPES[kind]}" srcset="{html.escape(srcset)}"'
            f' sizes="{html.escape(sizes)}">'
        )
    return f"<picture>{''.join(sources)}{img}</picture>"


def _given(value: str | None) -> int | None:
    """A width or height written in pixels ('300', '300px'), else None."""
    found = PIXELS.fullmatch(value or "")
    return round(float(found.group(1))) or None if found else None


def _attribute(name: str, value: str | None) -> str:
    return f" {name}" if value is None else f' {name}="{html.escape(value)}"'
