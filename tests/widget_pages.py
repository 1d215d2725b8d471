"""A news site for the widget's browser tests: its own origin (port), pages embedding the service's widget.

Pages are served with a strict Content-Security-Policy (no inline script or style, no eval,
Trusted Types enforced) allowing only the service's origin for scripts and fetches, as a site
following the README would.
"""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.helpers.procs import free_port

PAGE_CSS = b"""body{font:17px/1.6 Georgia,serif;max-width:760px;margin:0 auto;padding:16px;color:#1d1d1d;background:#fff}
h1{font-family:system-ui,sans-serif}
@media (prefers-color-scheme:dark){body{color:#e8e8e8;background:#121212}}
"""
ARTICLE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><link rel="icon" href="data:,"><title>{title}</title><link rel="stylesheet" href="/page.css"></head>
<body><main><h1>{title}</h1><p>{text}</p>
<div id="comments" data-thread="{thread}"></div>
<script src="{service}/static/embed.js" data-site="news"{extra} async></script>
</main></body></html>"""
LIST = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Indeks berita</title><link rel="stylesheet" href="/page.css"></head>
<body><main><h1>Indeks berita</h1><ul>{items}</ul>
<script src="{service}/static/count.js" data-site="news" async></script></main></body></html>"""


class SitePages:
    """A threaded HTTP server on its own port: /article/<slug>[?lang=en], /list?t=<slug>&t=..., /page.css."""

    def __init__(self, service: str, port: int | None = None, csp: bool = True) -> None:
        self.service = service
        self.port = port or free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.csp = csp
        pages = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body, kind = pages.render(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", kind)
                if pages.csp and kind.startswith("text/html"):
                    self.send_header("Content-Security-Policy", pages.policy())
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def policy(self) -> str:
        """What a strict site sends: only the service may run scripts and be fetched from."""
        return (f"default-src 'none'; script-src {self.service}; connect-src {self.service}; style-src 'self'; "
                "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
                "require-trusted-types-for 'script'; trusted-types moderation-widget")

    def thread(self, slug: str) -> str:
        return f"{self.origin}/article/{slug}"

    def render(self, path: str) -> tuple[bytes, str]:
        url = urlsplit(path)
        query = parse_qs(url.query)
        if url.path == "/page.css":
            return PAGE_CSS, "text/css"
        if url.path.startswith("/article/"):
            slug = url.path.rsplit("/", 1)[1]
            lang = query.get("lang", [""])[0]
            extra = f' data-lang="{lang}"' if lang else ""
            extra += "".join(f' data-{k}="{query[k][0]}"' for k in ("theme", "max-depth", "sort", "page-size") if k in query)
            title = "Riverside night market reopens" if lang == "en" else "Harga cabai turun jelang panen"
            text = ("Forty stalls opened on Friday." if lang == "en"
                    else "Harga cabai rawit di pasar induk turun hingga 20 persen dalam sepekan.")
            html = ARTICLE.format(lang=lang or "id", title=title, text=text, thread=self.thread(slug),
                                  service=self.service, extra=extra)
            return html.encode(), "text/html; charset=utf-8"
        if url.path == "/list":
            items = "".join(f'<li><a href="{self.thread(s)}">{s}</a> <span data-comment-count="{self.thread(s)}"></span></li>'
                            for s in query.get("t", []))
            return LIST.format(items=items, service=self.service).encode(), "text/html; charset=utf-8"
        return b"", "text/plain"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
