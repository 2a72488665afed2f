"""Lighthouse scores of the built site (make audit): performance, accessibility, best
practices and SEO for the home page, the longest post with code, the post with the most
pictures, and the page of every Markdown feature (docs/writing-content/, when the site
has it).

The site in build/ is served as a static host serves it, and Lighthouse (npm) drives
Debian's Chromium. Scores vary by machine, so this prints them and checks nothing.
Pages can be named, and another built site audited:
`python scripts/audit.py --build ../blog/build / /docs/`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from static_server import serving

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
LIGHTHOUSE = ROOT / "node_modules/.bin/lighthouse"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
HIGHLIGHTED = re.compile(r"""class=["']?[^"'>]*\bhighlight\b""")  # quoted or minified


def longest_post_with_code(build: Path) -> str | None:
    """The URL of the biggest built post that has a highlighted code block."""
    posts = [
        path
        for path in (build / "posts").glob("*/index.html")
        if HIGHLIGHTED.search(path.read_text("utf-8"))
    ]
    if not posts:
        return None
    longest = max(posts, key=lambda path: (path.stat().st_size, path.as_posix()))
    return "/" + longest.parent.relative_to(build).as_posix() + "/"


def post_with_most_pictures(build: Path) -> str | None:
    """The URL of the built post that shows the most images as <picture>s."""
    counts = {
        path: path.read_text("utf-8").count("<picture>")
        for path in (build / "posts").glob("*/index.html")
    }
    counts = {path: count for path, count in counts.items() if count}
    if not counts:
        return None
    most = max(counts, key=lambda path: (counts[path], path.as_posix()))
    return "/" + most.parent.relative_to(build).as_posix() + "/"


def scores(url: str) -> dict[str, int]:
    """Run Lighthouse on ``url``; its four category scores out of 100."""
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
            f"--only-categories={','.join(CATEGORIES)}",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        sys.exit(f"lighthouse failed on {url}:\n{result.stderr.strip()}")
    report = json.loads(result.stdout)
    weighted = {
        ref["id"]
        for name in CATEGORIES
        for ref in report["categories"][name]["auditRefs"]
        if ref["weight"] > 0
    }
    for audit_id in sorted(weighted):
        audit = report["audits"][audit_id]
        if audit.get("score") is not None and audit["score"] < 1:
            shown = audit.get("displayValue", "")
            print(f"  {url}: {audit['title']} {shown} (score {audit['score']:.2f})")
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=BUILD, help="the built site (build/)")
    parser.add_argument("pages", nargs="*", help="URL paths (the home page and a post)")
    options = parser.parse_args()
    build = options.build.resolve()
    if not (build / "index.html").is_file():
        sys.exit(f"{build} has no site: run `make build` first")
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is missing: run `npm ci` (make audit does)")
    if not os.path.exists(CHROMIUM):
        sys.exit("Chromium is missing: apt-get install chromium")
    features = "/docs/writing-content/" if (build / "docs/writing-content").is_dir() else None
    pages = options.pages or [
        page
        for page in ("/", longest_post_with_code(build), post_with_most_pictures(build), features)
        if page
    ]
    with serving(build) as base:
        rows = [(page, scores(base + page)) for page in pages]
    width = max(len(page) for page in pages)
    print(f"{'page':<{width}}  " + "  ".join(f"{name:>14}" for name in CATEGORIES))
    for page, found in rows:
        print(f"{page:<{width}}  " + "  ".join(f"{found[name]:>14}" for name in CATEGORIES))


if __name__ == "__main__":
    main()
