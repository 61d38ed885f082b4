"""A hostile page in real headless Chromium, on another site (``localhost:<port>``, while the
dashboard is ``127.0.0.1:<port>``), tries to make the browser render the dashboard's charts
and spreadsheets and to read its API. The browser marks those requests cross-site, the
dashboard refuses each one before rendering anything, and the page gets nothing; an image
of the page's own site loads, so the page did run."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from launcher.stack import free_port
from tests.dashboard import browser
from tests.dashboard.conftest import Dashboard
from tests.dashboard.test_http_attacks import _port, counter, metrics

pytestmark = pytest.mark.integration

PIXEL = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
PAGE = """<!doctype html><html><body>
<img id="chart" src="{dash}/api/v1/charts/received.png">
<img id="svg" src="{dash}/api/v1/charts/decisions.svg">
<img id="xlsx" src="{dash}/api/v1/received?format=xlsx">
<img id="own" src="/pixel.svg">
<pre id="fetch">pending</pre>
<script>
for (const img of document.images) {{
  img.onload = () => img.setAttribute("data-result", "loaded");
  img.onerror = () => img.setAttribute("data-result", "failed");
}}
fetch("{dash}/api/v1/summary").then(r => r.text())
  .then(t => {{ document.getElementById("fetch").textContent = "read " + t; }})
  .catch(() => {{ document.getElementById("fetch").textContent = "failed"; }});
</script></body></html>"""


@pytest.fixture
def hostile_site(dashboard: Dashboard) -> Iterator[str]:
    page = PAGE.format(dash=dashboard.url).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, kind = (PIXEL, "image/svg+xml") if self.path == "/pixel.svg" \
                else (page, "text/html; charset=utf-8")
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_of_another_site_gets_nothing_from_the_dashboard(
        dashboard: Dashboard, hostile_site: str) -> None:
    port = _port(dashboard)
    before = metrics(port)
    dom = browser.dump_dom(hostile_site)
    after = metrics(port)
    results = dict(re.findall(r'<img id="(\w+)"[^>]*data-result="(\w+)"', dom))
    assert results == {"chart": "failed", "svg": "failed", "xlsx": "failed", "own": "loaded"}
    assert re.search(r'<pre id="fetch">failed</pre>', dom), dom[-500:]
    refused = {reason: counter(after, "docketwatch_http_refused_total", server="dashboard",
                               reason=reason)
               - counter(before, "docketwatch_http_refused_total", server="dashboard",
                         reason=reason)
               for reason in ("cross-site", "origin", "host")}
    # the three images, marked cross-site; the fetch, which carries the page's Origin
    assert refused == {"cross-site": 3, "origin": 1, "host": 0}
