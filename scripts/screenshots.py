"""Screenshots of the default theme for the docs (make screenshots): the home page, a post
and a documentation page, light and dark, at phone and desktop widths, written as PNGs to
content/docs/img/.

Taken from build/ served as a static host serves it, in Debian's Chromium via Playwright.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright
from static_server import serving

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
OUTPUT = ROOT / "content/docs/img"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGES = {"home": "/", "post": "/posts/highlighted-code/", "docs": "/docs/sections-and-search/"}
SIZES = {"phone": (390, 760), "desktop": (1200, 760)}


def main() -> None:
    if not (BUILD / "index.html").is_file():
        sys.exit("build/ has no site: run `make build` first")
    with serving(BUILD) as base:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            for scheme in ("light", "dark"):
                for size, (width, height) in SIZES.items():
                    page = browser.new_page(
                        color_scheme=scheme, viewport={"width": width, "height": height}
                    )
                    for name, path in PAGES.items():
                        page.goto(base + path)
                        target = OUTPUT / f"theme-{name}-{scheme}-{size}.png"
                        page.screenshot(path=target, animations="disabled")
                        print(f"{target.relative_to(ROOT)}  {target.stat().st_size // 1024} KB")
                    page.close()
            browser.close()


if __name__ == "__main__":
    main()
