"""Live preview: the browser follows every save, and shows errors where the author looks.

``LivePreview`` is the WSGI app that ``frostpage serve`` runs. It answers two URLs of its
own, ``/__frostpage/live.js`` (a small script injected into every HTML page of the preview)
and ``/__frostpage/events`` (Server-Sent Events), and hands every other request to the
site's Flask app. watchdog reports changed files; the site model is refreshed at once
(only changed files are read again) and every open tab is told to reload, or, for a
stylesheet, to swap it in place. A change in ``site/`` builds a new app; if the new
configuration is wrong, every page shows that error until it is fixed.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import ipaddress
import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .app import create_app
from .error_pages import render_error_page
from .errors import SiteError, SiteErrors
from .paths import SOURCE_FOLDERS

log = logging.getLogger("frostpage")

LIVE_PREFIX = "/__frostpage/"
DEBOUNCE_SECONDS = 0.03
HEARTBEAT_SECONDS = 15.0
# The page's version: a change broadcast after it was rendered reloads it, even one that
# came before its script connected.
SCRIPT_TAG = f'<script src="{LIVE_PREFIX}live.js" data-version="%d" defer></script>'

LIVE_SCRIPT = importlib.resources.files("frostpage").joinpath("live.js").read_bytes()


class Broadcast:
    """Tells every open tab what changed; each tab waits for a number newer than its own."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self.number = 0
        self.event = ("reload", "[]")

    def send(self, kind: str, data: str = "[]") -> None:
        with self._condition:
            self.number += 1
            self.event = (kind, data)
            self._condition.notify_all()

    def wait(self, after: int, timeout: float) -> tuple[int, tuple[str, str]] | None:
        with self._condition:
            self._condition.wait_for(lambda: self.number > after, timeout)
            return (self.number, self.event) if self.number > after else None


class LivePreview:
    """The dev server's WSGI app: the site's app, live reload, and recovery from errors."""

    def __init__(
        self,
        root: Path,
        app_factory: Callable[[], Flask] | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.root = root
        self.host = host
        self.app_factory = app_factory or (lambda: create_app(root, dev=True))
        self.broadcast = Broadcast()
        self._changes: queue.Queue[str] = queue.Queue()
        self._observer: Any = None
        self.site_app = self._new_site_app()
        self.live_app = self._new_live_app()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if not own_host(environ.get("HTTP_HOST", ""), self.host):
            # Another name that resolves here (DNS rebinding) must not let a web page read
            # the preview, drafts included.
            start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8")])
            return [
                b"This preview answers only to its own host names (127.0.0.1, localhost, "
                b"or the --host it was given).\n"
            ]
        if environ.get("PATH_INFO", "").startswith(LIVE_PREFIX):
            return self.live_app(environ, start_response)
        return self.site_app(environ, start_response)

    # Apps ------------------------------------------------------------------------------

    def _new_site_app(self) -> Flask:
        """The site's app, or, when its configuration is wrong, an app showing that error."""
        try:
            app = self.app_factory()
        except (SiteError, SiteErrors) as error:
            app = _error_app(error, self.root)
        except Exception as error:  # a hooks file can raise anything: shown, not fatal
            log.exception("frostpage could not load the site")
            failure = SiteError("site/", None, f"{type(error).__name__}: {error}")
            app = _error_app(failure, self.root)
        # With a watcher, the model is refreshed on change, not by each request.
        app.config["FROSTPAGE_WATCHED"] = self._observer is not None
        app.after_request(self._inject_script)
        return app

    def _new_live_app(self) -> Flask:
        live = Flask("frostpage.live")

        @live.get(f"{LIVE_PREFIX}live.js")
        def script() -> Response:
            return Response(LIVE_SCRIPT, mimetype="text/javascript")

        @live.get(f"{LIVE_PREFIX}events")
        def events() -> Response:
            return Response(
                self._stream(request.args.get("since", type=int)),
                mimetype="text/event-stream",
                headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
            )

        return live

    def _stream(self, since: int | None) -> Iterator[str]:
        number = self.broadcast.number if since is None else since
        yield "retry: 500\n\n"
        while True:
            news = self.broadcast.wait(number, HEARTBEAT_SECONDS)
            if news is None:
                yield ": still here\n\n"  # lets the server notice a closed tab
                continue
            number, (kind, data) = news
            yield f"event: {kind}\ndata: {data}\n\n"

    def _inject_script(self, response: Response) -> Response:
        """Add the live script to HTML pages of the preview (never to the build)."""
        if response.mimetype != "text/html" or response.direct_passthrough:
            return response
        body = response.get_data(as_text=True)
        tag = SCRIPT_TAG % self.broadcast.number
        index = body.rfind("</body>")
        body = body[:index] + tag + body[index:] if index >= 0 else body + tag
        response.set_data(body)
        return response

    # Watching --------------------------------------------------------------------------

    def start_watching(self) -> None:
        """Watch the site's folders in the background until the process ends."""
        handler = _Handler(self._changes.put)
        observer = Observer()
        for name in SOURCE_FOLDERS:
            folder = self.root / name
            if folder.is_dir():
                observer.schedule(handler, str(folder), recursive=True)
        observer.daemon = True
        observer.start()
        self._observer = observer
        self.site_app.config["FROSTPAGE_WATCHED"] = True
        threading.Thread(target=self._apply_changes, daemon=True, name="frostpage-live").start()

    def _apply_changes(self) -> None:
        while True:
            changed = {self._changes.get()}
            time.sleep(DEBOUNCE_SECONDS)  # an editor's save is often several events
            while not self._changes.empty():
                changed.add(self._changes.get())
            try:
                self.apply(changed)
            except Exception:  # the watcher outlives whatever an author saves
                log.exception("frostpage could not follow the change of %s", sorted(changed))
                self.broadcast.send("reload")

    def apply(self, changed: set[str]) -> None:
        """Bring the preview up to date with the changed paths and tell the browsers."""
        relative = {_relative(self.root, path) for path in changed}
        if any(path.startswith("site/") for path in relative):
            self.site_app = self._new_site_app()
        elif any(path.startswith("content/") for path in relative):
            # Templates need nothing here: Jinja reads a changed one again by itself.
            state = self.site_app.extensions.get("frostpage")
            content = [self.root / path for path in relative if path.startswith("content/")]
            if state is not None:
                with self.site_app.app_context():
                    _refresh_quietly(state, content)
        stylesheets = sorted(p[len("static") :] for p in relative if p.startswith("static/"))
        if relative and all(path.endswith(".css") for path in relative) and stylesheets:
            self.broadcast.send("css", json.dumps(stylesheets))
        else:
            self.broadcast.send("reload")


def own_host(header: str, bound: str) -> bool:
    """Whether a request's Host header names this preview: an IP address (no DNS is
    involved), localhost and its subdomains, or the name the server was bound to."""
    name = header.rsplit(":", 1)[0] if not header.endswith("]") else header
    name = name.strip("[]").lower().rstrip(".")
    if name in ("localhost", bound.lower().strip("[]")) or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class _Handler(FileSystemEventHandler):
    def __init__(self, report: Callable[[str], None]) -> None:
        self.report = report

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            name = Path(str(path)).name
            if path and not name.startswith((".", "#", "~")) and not name.endswith("~"):
                self.report(str(path))


def _refresh_quietly(state: Any, changed: list[Path]) -> None:
    """Refresh the model now; an error in the files is shown when a page is requested
    (``refresh`` then leaves no model behind, so the next request builds it again)."""
    with contextlib.suppress(Exception):
        state.refresh(changed)


def _relative(root: Path, path: str) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


def _error_app(error: SiteError | SiteErrors, root: Path) -> Flask:
    """Every URL shows the configuration error, until the file is fixed."""

    app = Flask("frostpage.broken")

    @app.route("/", defaults={"path": ""})
    @app.route("/<path:path>")
    def broken(path: str) -> tuple[str, int]:
        errors = error.errors if isinstance(error, SiteErrors) else [error]
        return render_error_page(errors, root, whole_site=True), 500

    return app
