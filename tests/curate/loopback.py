"""A web server on loopback for the curate tests, and the article it serves."""

from __future__ import annotations

import contextlib
import gzip
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

PAGE = Path(__file__).parent / "articles" / "arctic-shipping-insurance" / "article.html"
QUOTE = "“We were never told,” she said. Café owners agreed."
PLAIN = f"A headline\n\nThe first paragraph of a plain text article.\n\n{QUOTE}\n"

Response = tuple[int, str, bytes]  # status, Content-Type, body
REDIRECTS = {"/moved": "/page", "/loop": "/loop", "/to-ftp": "ftp://127.0.0.1/x"}


@contextlib.contextmanager
def running(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A web server on loopback with `handler`; yields its address."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() returns once serve_forever next looks at its flag: every 0.5 s by default, so
    # every 0.01 s here. Requests are answered as they come either way.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def serving(pages: dict[str, Response]) -> contextlib.AbstractContextManager[str]:
    """A web server answering each path with its response (and REDIRECTS; a path starting
    /gzip is sent compressed, one starting /cut is cut off before its length)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path in REDIRECTS:
                self.send_response(302)
                self.send_header("Location", REDIRECTS[self.path])
                self.end_headers()
                return
            status, kind, body = pages.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            if self.path.startswith("/gzip"):
                body = gzip.compress(body)
                self.send_header("Content-Encoding", "gzip")
            length = len(body) + (5000 if self.path.startswith("/cut") else 0)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    return running(Handler)


def serving_folder(folder: Path) -> contextlib.AbstractContextManager[str]:
    """A web server for the files in `folder`."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

    return running(Quiet)


def with_quote(declared: str) -> str:
    """The test page with QUOTE in its first paragraph and `declared` as its head's charset."""
    text = PAGE.read_text(encoding="utf-8").replace("<p>Each summer", f"<p>{QUOTE} Each summer")
    return re.sub(r'<meta charset="UTF-8">', declared, text)
