"""make bench: frostpage beside Pelican and Hugo on the same corpus, and the live preview.

    python bench/run.py            # 1,000 and 10,000 pages, then 1,000 pages with 500 photos
    BENCH_SIZES=1000 BENCH_PHOTOS=0 python bench/run.py
    BENCH_SIZES=100000 BENCH_PHOTOS=0 python bench/run.py    # a big site: about an hour

For each size it builds the same generated corpus (bench/corpus.py) with each tool, in the
same run (Pelican up to 10,000 pages), and prints median wall time, CPU time, the peak
memory of the largest process and of all processes together, with frostpage's ratios to
each peer. frostpage builds cold, then with nothing changed, with every page touched but
none changed, after one page's edit and after template edits; then a --full build is
compared with the result byte for byte. Beside them, the floor the design sets: the same
pages converted by Python-Markdown and Pygments alone, on every core (markdown_alone.py).
Then it measures the live preview on the largest corpus: time to the first answer after
start, and time from saving a page to having the reloaded page (median and 95th
percentile). Last, images:
a 1,000-page corpus with BENCH_PHOTOS photos (500) built cold, with nothing changed and
with one photo replaced, beside the same pages without photos. Figures, not assertions:
nothing here fails on a slow machine.
"""

from __future__ import annotations

import compileall
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corpus import write_corpus, write_photos

REPOSITORY = Path(__file__).resolve().parent.parent
PELICAN_LARGEST = 10_000  # pages; beyond, Pelican alone would take hours
# Rebuilds, as a share of Hugo's full build of the same corpus.
TARGETS_TO_HUGO = {"one page edited": 0.05, "nothing changed": 0.03}
BIN = Path(sys.executable).parent
MARKDOWN_EXTENSIONS = [
    "fenced_code",
    "codehilite",
    "tables",
    "footnotes",
    "toc",
    "attr_list",
    "def_list",
    "admonition",
    "md_in_html",
    "sane_lists",
    "smarty",
]


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float  # the largest process
    total_mb: float = 0.0  # the most the process and its workers held at once (Linux only)


def measure(command: list[str], cwd: Path) -> Run:
    """Run ``command`` and return its wall time, CPU time (user + system), the peak memory
    of its largest process, and the peak of the sum over it and its workers.

    A process's peak as the kernel reports it at its end (ru_maxrss) counts, before it
    starts the command, the copy of this process it was forked from: it cannot be below
    this benchmark's own peak, which grows as it runs. So each process's own peak (VmHWM,
    which starts again with the command) is sampled instead, and the kernel's figure is
    taken only when above what was inherited (a peak in the last moment before the end)."""
    inherited = _memory_mb("self")[1]
    with tempfile.TemporaryFile() as errors:  # a pipe could fill up and stall the tool
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        peaks = [0.0, 0.0]  # the sum over the processes, the largest one's
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):  # the first after the command started: not before
                total, largest = _tree_memory_mb(process.pid)
                peaks[0], peaks[1] = max(peaks[0], total), max(peaks[1], largest)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            text = errors.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(command)} exited with {code} in {cwd}:\n{text}")
    reported = usage.ru_maxrss / 1024
    largest = max(peaks[1], reported if reported > inherited or not peaks[1] else 0.0)
    return Run(wall, usage.ru_utime + usage.ru_stime, largest, max(peaks[0], largest))


def _tree_memory_mb(pid: int) -> tuple[float, float]:
    """The resident memory of a process and all its descendants, and the largest peak
    among them, from /proc (0 elsewhere)."""
    total, largest, waiting = 0.0, 0.0, [pid]
    while waiting:
        current = waiting.pop()
        resident, peak = _memory_mb(str(current))
        total, largest = total + resident, max(largest, peak)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    waiting += [int(child) for child in children.read().split()]
        except (OSError, ValueError):
            continue
    return total, largest


def _memory_mb(process: str) -> tuple[float, float]:
    """A process's resident memory and its peak (VmRSS, VmHWM), from /proc (0 elsewhere)."""
    found = {"VmRSS:": 0.0, "VmHWM:": 0.0}
    try:
        with open(f"/proc/{process}/status") as status:
            for line in status:
                name, *value = line.split()
                if name in found:
                    found[name] = int(value[0]) / 1024
    except (OSError, ValueError):
        pass
    return found["VmRSS:"], found["VmHWM:"]


def median(runs: list[Run]) -> Run:
    return Run(
        statistics.median(run.wall for run in runs),
        statistics.median(run.cpu for run in runs),
        max(run.peak_mb for run in runs),
        max(run.total_mb for run in runs),
    )


# The three sites --------------------------------------------------------------------------


def frostpage_site(corpus: Path, root: Path) -> Path:
    shutil.copytree(corpus, root / "content")
    for folder in ("templates", "static"):
        shutil.copytree(REPOSITORY / folder, root / folder)
    (root / "templates/stats.html").unlink(missing_ok=True)
    (root / "site").mkdir()
    (root / "site/config.toml").write_text(
        'title = "Bench"\nbase_url = "https://bench.example.net/"\nposts_per_page = 10\n', "utf-8"
    )
    return root


def pelican_site(corpus: Path, root: Path) -> Path:
    """The corpus with Pelican's own metadata header instead of YAML front matter."""
    for source in corpus.rglob("*.md"):
        front, _, body = source.read_text("utf-8")[4:].partition("\n---\n")
        meta = dict(line.split(": ", 1) for line in front.splitlines())
        header = [
            f"Title: {meta['title'].strip(chr(34))}",
            f"Date: {meta['date']}",
            f"Tags: {meta['tags'].strip('[]')}",
            f"Summary: {meta['summary'].strip(chr(34))}",
        ]
        target = root / "content" / source.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(header) + "\n\n" + body, "utf-8")
    # The same Markdown features as frostpage (smarty for its smart punctuation), so both
    # produce the same pages. URLs come from file names, as in frostpage: titles repeat.
    extensions: dict[str, dict[str, object]] = {
        f"markdown.extensions.{name}": {} for name in MARKDOWN_EXTENSIONS
    }
    markdown = {"extension_configs": extensions, "output_format": "html5"}
    (root / "pelicanconf.py").write_text(
        'PATH = "content"\nARTICLE_PATHS = ["posts"]\nPAGE_PATHS = ["pages"]\n'
        'SITEURL = ""\nTIMEZONE = "UTC"\nDEFAULT_PAGINATION = 10\nLOAD_CONTENT_CACHE = False\n'
        'SLUGIFY_SOURCE = "basename"\n'
        f"MARKDOWN = {markdown!r}\n",
        "utf-8",
    )
    return root


HUGO_LAYOUT = (
    "<!doctype html><html><head><title>{{{{ .Title }}}}</title></head><body>"
    "<h1>{{{{ .Title }}}}</h1>{body}</body></html>\n"
)
HUGO_LIST = (  # inserted by format(), so its braces are written once
    '{{ range .Paginator.Pages }}<article><h2><a href="{{ .RelPermalink }}">'
    "{{ .Title }}</a></h2>{{ .Summary }}</article>{{ end }}"
)


def hugo_site(corpus: Path, root: Path) -> Path:
    shutil.copytree(corpus, root / "content")
    (root / "hugo.toml").write_text(
        'baseURL = "https://bench.example.net/"\ntitle = "Bench"\n'
        "[pagination]\npagerSize = 10\n[markup.highlight]\nnoClasses = false\n",
        "utf-8",
    )
    layouts = root / "layouts/_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(HUGO_LAYOUT.format(body="{{ .Content }}"), "utf-8")
    for name in ("list.html", "terms.html"):
        (layouts / name).write_text(HUGO_LAYOUT.format(body=HUGO_LIST), "utf-8")
    (root / "layouts/index.html").write_text(HUGO_LAYOUT.format(body=HUGO_LIST), "utf-8")
    return root


# Measurements ---------------------------------------------------------------------------


def frostpage_runs(root: Path, repeat: int) -> dict[str, Run]:
    build = [str(BIN / "python"), "-m", "frostpage", "--quiet", "build"]
    results: dict[str, list[Run]] = {}
    post = sorted((root / "content/posts").glob("*.md"))[
        len(list((root / "content/posts").glob("*.md"))) // 2
    ]
    template = root / "templates/post.html"
    for attempt in range(repeat):
        shutil.rmtree(root / "build", ignore_errors=True)
        shutil.rmtree(root / ".frostpage-cache", ignore_errors=True)
        results.setdefault("frostpage cold", []).append(measure(build, root))
        results.setdefault("frostpage nothing changed", []).append(measure(build, root))
        # As after a checkout: every page's times change, not its text.
        for page in (root / "content").rglob("*.md"):
            os.utime(page)
        results.setdefault("frostpage every file touched", []).append(measure(build, root))
        post.write_text(post.read_text("utf-8") + f"\nEdited {attempt}.\n", "utf-8")
        results.setdefault("frostpage one page edited", []).append(measure(build, root))
        template.write_text(template.read_text("utf-8") + f"\n{{# edit {attempt} #}}\n", "utf-8")
        results.setdefault("frostpage one template edited", []).append(measure(build, root))
        # A template few URLs render (the tag pages'): only they are written again.
        tags = root / "templates/tag.html"
        tags.write_text(tags.read_text("utf-8") + f"\n{{# edit {attempt} #}}\n", "utf-8")
        results.setdefault("frostpage tag template edited", []).append(measure(build, root))
    return {name: median(runs) for name, runs in results.items()}


def same_as_full_build(root: Path) -> str:
    """Whether the build left by the rebuilds is byte for byte what --full writes."""
    full = root / "build-full"
    subprocess.run(
        [
            str(BIN / "python"),
            "-m",
            "frostpage",
            "--quiet",
            "build",
            "--full",
            "--output",
            str(full),
        ],
        cwd=root,
        check=True,
    )

    def files(folder: Path) -> dict[str, bytes]:
        return {
            path.relative_to(folder).as_posix(): path.read_bytes()
            for path in folder.rglob("*")
            if path.is_file() and path.name != ".frostpage-build"
        }

    built, expected = files(root / "build"), files(full)
    differing = [
        name for name in built.keys() | expected.keys() if built.get(name) != expected.get(name)
    ]
    shutil.rmtree(full)
    return (
        "yes" if not differing else f"NO: {len(differing)} files differ, such as {min(differing)}"
    )


def folder_mb(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 2**20


def peer_runs(name: str, command: list[str], root: Path, output: str, repeat: int) -> Run:
    runs = []
    for _ in range(repeat):
        shutil.rmtree(root / output, ignore_errors=True)
        shutil.rmtree(root / "cache", ignore_errors=True)
        runs.append(measure(command, root))
    return median(runs)


def written_files(root: Path) -> int:
    result = subprocess.run(
        [str(BIN / "python"), "-m", "frostpage", "build"], cwd=root, capture_output=True, text=True
    )
    summary = result.stdout.strip().splitlines()[-1]  # "Built … (N files, M changed, …)"
    found = re.search(r"(\d+) changed", summary)  # none in "Nothing changed since…"
    return int(found.group(1)) if found else 0


def live_preview(root: Path, saves: int = 5, keep_running: float = 0) -> tuple[float, list[float]]:
    """Seconds to the first answer, and seconds from each save to the reloaded page.

    ``keep_running`` seconds at most, the server stays up until it has stored the parsed
    pages, as it does while an author works.
    """
    port = 5390
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(BIN / "python"), "-m", "frostpage", "--quiet", "serve", "--port", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read()
                break
            except OSError:
                time.sleep(0.02)
        startup = time.perf_counter() - started
        post = sorted((root / "content/posts").glob("*.md"))[7]
        url = f"http://127.0.0.1:{port}/posts/{post.stem}/"
        urllib.request.urlopen(url, timeout=30).read()
        stored = root / ".frostpage-cache/pages.pickle"
        deadline = time.perf_counter() + keep_running
        while not stored.exists() and time.perf_counter() < deadline:
            time.sleep(0.1)
        reloads = []
        for attempt in range(saves):
            reloads.append(_save_to_reload(port, post, url, f"Saved text {attempt}"))
        return startup, reloads
    finally:
        server.terminate()
        server.wait(timeout=10)


def _save_to_reload(port: int, post: Path, url: str, marker: str) -> float:
    """As the injected script does: wait for the reload event, then fetch the page."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/__frostpage/events")
    events = connection.getresponse()
    events.readline()  # "retry: …"
    events.readline()
    got_reload = threading.Event()

    def listen() -> None:
        while True:
            line = events.readline()
            if not line or line.startswith(b"event: reload"):
                got_reload.set()
                return

    threading.Thread(target=listen, daemon=True).start()
    time.sleep(0.2)
    saved = time.perf_counter()
    post.write_text(post.read_text("utf-8") + f"\n{marker}\n", "utf-8")
    got_reload.wait(30)
    page = urllib.request.urlopen(url, timeout=30).read().decode()
    elapsed = time.perf_counter() - saved
    connection.close()
    assert marker in page, "the reloaded page lacks the saved text"
    return elapsed


def main() -> None:
    sizes = [int(size) for size in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
    photos = int(os.environ.get("BENCH_PHOTOS", "500"))
    print(f"frostpage benchmark on {os.cpu_count()} cores; corpus from bench/corpus.py\n")
    # frostpage's compiled code, as an installed package has it (pip compiles it); from a
    # checkout, with PYTHONDONTWRITEBYTECODE set, every run would compile it again.
    compileall.compile_dir(REPOSITORY / "frostpage", quiet=1)
    with tempfile.TemporaryDirectory(prefix="frostpage-bench-") as scratch:
        work = Path(scratch)
        largest = None
        for size in sizes:
            repeat = 3 if size <= 1000 else 1
            corpus = work / f"corpus-{size}"
            write_corpus(corpus, size)
            site = frostpage_site(corpus, work / f"frostpage-{size}")
            results = frostpage_runs(site, repeat)
            no_change_written = written_files(site)
            sizes_mb = (folder_mb(site / "build"), folder_mb(site / ".frostpage-cache"))
            exact = same_as_full_build(site)
            alone = [str(BIN / "python"), str(REPOSITORY / "bench/markdown_alone.py"), str(corpus)]
            results["Markdown alone (the floor)"] = median(
                [measure(alone, REPOSITORY) for _ in range(repeat)]
            )
            if size <= PELICAN_LARGEST:
                pelican = pelican_site(corpus, work / f"pelican-{size}")
                results["pelican"] = peer_runs(
                    "pelican",
                    [str(BIN / "pelican"), "content", "-o", "output", "-s", "pelicanconf.py", "-q"],
                    pelican,
                    "output",
                    repeat,
                )
            hugo = hugo_site(corpus, work / f"hugo-{size}")
            results["hugo"] = peer_runs(
                "hugo", [str(BIN / "hugo"), "--quiet", "-d", "public"], hugo, "public", repeat
            )
            report(size, repeat, results, no_change_written)
            print(f"  build/ {sizes_mb[0]:,.0f} MB, .frostpage-cache/ {sizes_mb[1]:,.0f} MB")
            print(f"  after the edits, the build is what --full writes: {exact}\n")
            search_figures(site, size, results["frostpage cold"].wall)
            largest = site
        if largest is not None:
            link_check(largest / "build", sizes[-1])
            # The first start parses every file; later ones (and one after a build) read
            # the parsed pages from .frostpage-cache/.
            (largest / ".frostpage-cache/pages.pickle").unlink(missing_ok=True)
            first_startup, _ = live_preview(largest, saves=0, keep_running=30)
            startup, reloads = live_preview(largest, saves=20)
            p95 = statistics.quantiles(reloads, n=20)[-1]
            print(f"Live preview on {sizes[-1]:,} pages:")
            print(f"  start to first answer: {startup:.2f} s (target: under 3 s)")
            print(f"  the very first start, nothing cached: {first_startup:.2f} s")
            print(
                f"  save to reloaded page: median {statistics.median(reloads) * 1000:.0f} ms, "
                f"p95 {p95 * 1000:.0f} ms, worst {max(reloads) * 1000:.0f} ms over "
                f"{len(reloads)} saves (target: p95 under 100 ms)\n"
            )
        if photos:
            if not (work / "corpus-1000").is_dir():
                write_corpus(work / "corpus-1000", 1000)
            image_figures(work, photos)


def image_figures(work: Path, photos: int, pages: int = 1000) -> None:
    """The cost of images: every copy made (cold), none (nothing changed), one photo's
    (replaced), beside a cold build of the same pages without photos."""
    build = [str(BIN / "python"), "-m", "frostpage", "--quiet", "build"]
    plain = frostpage_site(work / f"corpus-{pages}", work / "frostpage-no-photos")
    shutil.rmtree(plain / ".frostpage-cache", ignore_errors=True)
    without = measure(build, plain)
    corpus = work / "corpus-photos"
    posts = [path for path in write_corpus(corpus, pages) if path.parent.name == "posts"]
    shown = write_photos(posts, photos)
    site = frostpage_site(corpus, work / "frostpage-photos")
    cold = measure(build, site)
    copies = len(list((site / ".frostpage-cache/images").iterdir()))
    warm = measure(build, site)
    replaced = site / "content/posts/img" / shown[len(shown) // 2].name
    from PIL import Image, ImageOps

    with Image.open(replaced) as image:
        ImageOps.mirror(image).save(replaced, quality=85)
    one = measure(build, site)
    print(f"Images: {pages:,} pages, {photos} photos of 2,400 × 1,600 ({copies} copies made)")
    print(f"  {'':32} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}")
    rows = {
        "no photos, cold": without,
        "photos, cold": cold,
        "photos, nothing changed": warm,
        "photos, one photo replaced": one,
    }
    for name, run in rows.items():
        print(f"  {name:32} {run.wall:8.2f} {run.cpu:8.2f} {run.peak_mb:8.0f}")
    print(f"  cold with photos / cold without: {cold.wall / without.wall:.2f}")
    print(f"  nothing changed / cold without photos: {warm.wall / without.wall:.2f}\n")


def search_figures(root: Path, size: int, cold: float) -> None:
    """The search index: its making beside the cold build, the bytes a browser fetches for
    a first query, and the time from a keystroke to the results after it."""
    from frostpage.app import create_app
    from frostpage.markup import text_digest
    from frostpage.page import Page
    from frostpage.search import Words, documents, index_files, searchable, words_of
    from frostpage.state import site_state

    app = create_app(root, dev=False)
    with app.app_context():
        site = site_state(app).site
        texts = {page.source: site.render(page).text for page in searchable(site)}

        def counted(page: Page, _: object) -> tuple[str, Callable[[], Words]]:
            text = texts[page.source]
            return text_digest(text), lambda: words_of(text)

        # Every word counted, as in a cold build, and every file made.
        started = time.perf_counter()
        found = documents(site, counted)
        for _ in index_files(found, []):
            pass
        making = time.perf_counter() - started
    print(f"Search on {size:,} pages:")
    print(f"  making the index: {making:.2f} s = {making / cold:.1%} of the cold build (goal 10%)")
    pagefind = pagefind_seconds(root / "build")
    if pagefind is not None:
        print(f"  Pagefind on the same build: {pagefind:.2f} s; ratio {making / pagefind:.2f}")
    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("  in the browser: skipped (pip install playwright)\n")
        return
    if not chromium.exists():
        print("  in the browser: skipped (no Chromium at /usr/bin/chromium)\n")
        return
    import functools
    import http.server

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root / "build"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=flags)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/posts/")
            fetched: list[int] = []
            page.on(
                "requestfinished",
                lambda request: (
                    fetched.append(request.sizes()["responseBodySize"])
                    if "/_search/" in request.url
                    else None
                ),
            )
            page.keyboard.press("/")
            page.keyboard.type("template")
            page.locator(".search-results a").first.wait_for(timeout=60_000)
            page.wait_for_load_state("networkidle")
            print(f"  first query: {sum(fetched) / 1024:.0f} KB fetched (goal 300 KB)")
            times = [
                page.evaluate(KEYSTROKE_TO_RESULTS, word)
                for word in ("preview", "deploy", "anchor", "server", "careful", "render")
            ]
            print(
                f"  keystroke to results after it: median {statistics.median(times):.0f} ms, "
                f"worst {max(times):.0f} ms over {len(times)} queries (goal 100 ms)\n"
            )
            browser.close()
    finally:
        server.shutdown()


def pagefind_seconds(build: Path) -> float | None:
    """Pagefind's program indexing the built site, as a site would use it (its pages' main
    text), for comparison; None when it is not installed."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as output:
        command = [str(get_executable()), "--site", str(build), "--output-path", output]
        try:
            return measure([*command, "--root-selector", "main", "--silent"], build).wall
        except RuntimeError as error:  # on 100,000 pages it may run out of memory
            print(f"  Pagefind failed: {str(error).splitlines()[0]}")
            return None


# Types a word into the search box and resolves with the milliseconds until its results show.
KEYSTROKE_TO_RESULTS = """word => new Promise(resolve => {
  const input = document.querySelector('#search-input');
  const list = document.querySelector('.search-results');
  const started = performance.now();
  new MutationObserver((changes, observer) => {
    if (!list.querySelector('.search-title')) return;
    observer.disconnect();
    resolve(performance.now() - started);
  }).observe(list, {childList: true});
  input.value = word;
  input.dispatchEvent(new Event('input'));
})"""


def link_check(build: Path, size: int) -> None:
    """The link check's reading of every page (Lexbor, through selectolax) beside Python's
    own HTML parser collecting the same attributes: one core, the same files, one run."""
    import html.parser

    from frostpage.links import _read

    class StandardLibrary(html.parser.HTMLParser):
        found = 0

        def handle_starttag(self, tag: str, attributes: list) -> None:
            self.found += sum(1 for name, value in attributes if value and name in WANTED)

    WANTED = {"href", "src", "srcset", "poster", "action", "id", "name"}
    pages = sorted(build.rglob("*.html"))
    started = time.perf_counter()
    for page in pages:
        _read(str(page))
    ours = time.perf_counter() - started
    started = time.perf_counter()
    for page in pages:
        parser = StandardLibrary()
        parser.feed(page.read_text("utf-8"))
    stdlib = time.perf_counter() - started
    print(f"Link check on {size:,} pages ({len(pages):,} HTML files, one core):")
    print(f"  reading links and anchors: {ours:.2f} s; Python's html.parser: {stdlib:.2f} s")
    print(f"  ratio: {ours / stdlib:.2f}\n")


def report(size: int, repeat: int, results: dict[str, Run], no_change_written: int) -> None:
    print(f"{size:,} pages (median of {repeat})")
    print(f"  {'':32} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'all MB':>8}")
    for name, run in results.items():
        row = f"{run.wall:8.2f} {run.cpu:8.2f} {run.peak_mb:8.0f} {run.total_mb:8.0f}"
        print(f"  {name:32} {row}")
    cold = results["frostpage cold"]
    hugo = results["hugo"].wall
    if "pelican" in results:
        print(f"  cold / Pelican: {cold.wall / results['pelican'].wall:.2f} (target 0.4)")
    else:
        print(f"  Pelican: not run above {PELICAN_LARGEST:,} pages (it takes hours)")
    print(f"  cold / Hugo: {cold.wall / hugo:.2f} (target 1.5; 0.7 at 100,000 pages)")
    floor = results["Markdown alone (the floor)"].wall
    print(
        f"  Markdown alone / Hugo: {floor / hugo:.2f}; cold / Markdown alone:"
        f" {cold.wall / floor:.2f} (a cold build beside Python-Markdown and Pygments alone)"
    )
    for name, target in TARGETS_TO_HUGO.items():
        print(f"  {name} / Hugo: {results['frostpage ' + name].wall / hugo:.3f} (target {target})")
    print(f"  files written by a no-change rebuild: {no_change_written} (target 0)")
    print(
        f"  peak memory, cold: {cold.peak_mb:,.0f} MB largest process, {cold.total_mb:,.0f} MB"
        " all processes (targets 2,048 and 3,072 MB)"
    )


if __name__ == "__main__":
    main()
