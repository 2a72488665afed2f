"""An independent reading of a built site, for tests: stdlib HTML parsing, no frostpage code."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text("utf-8"))
    return collector


def unresolved_links(output: Path, base_url: str) -> list[str]:
    """Internal links of every HTML file that name no written file (or no such #id)."""
    base_path = urlsplit(base_url).path
    problems = []
    for html_file in sorted(output.rglob("*.html")):
        relative = html_file.relative_to(output).as_posix()
        page_url = urljoin(base_url, relative.removesuffix("index.html"))
        for link in parse(html_file).links:
            absolute = urljoin(page_url, link)
            if not absolute.startswith(base_url):
                if urlsplit(absolute).netloc == urlsplit(base_url).netloc:
                    problems.append(f"{relative}: {link} is outside {base_path}")
                continue
            parts = urlsplit(absolute)
            path = unquote(parts.path)[len(base_path) :]
            target = output / (path + "index.html" if path.endswith("/") or not path else path)
            if not target.is_file():
                problems.append(f"{relative}: {link} -> missing {target.relative_to(output)}")
            elif (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in parse(target).ids
            ):
                problems.append(f"{relative}: {link} -> no id {parts.fragment}")
    return problems


def tree(output: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file's bytes, inode and mtime: to tell whether a build touched anything."""
    return {
        path.relative_to(output).as_posix(): (
            path.read_bytes(),
            path.stat().st_ino,
            path.stat().st_mtime_ns,
        )
        for path in sorted(output.rglob("*"))
        if path.is_file()
    }


def contents(output: Path) -> dict[str, bytes]:
    """Every file's bytes: to compare what two builds wrote."""
    return {name: data for name, (data, _, _) in tree(output).items()}
