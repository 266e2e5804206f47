"""The branch comparison page in a real browser (Debian Chromium through Playwright), against
gunicorn on the benchmark database, logged in as head office: per load, the server's time to the
first byte, and the browser's time from the last byte to the load event (parsing, styles, layout,
the inline SVG charts), the size of the HTML and the number of table rows.

    BENCH_DB=oasis_bench10x .venv/bin/python bench/branch_page.py [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
TIMING = """() => {
  const [n] = performance.getEntriesByType("navigation");
  return {ttfb: n.responseStart - n.requestStart, download: n.responseEnd - n.responseStart,
          render: n.loadEventEnd - n.responseEnd, total: n.loadEventEnd - n.startTime,
          bytes: n.transferSize, rows: document.querySelectorAll("table.league tbody tr").length};
}"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--password", default="oasis-demo")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    label = common.psql("SELECT to_char(max(week_start) - 7, 'IYYY-\"W\"IW') FROM reports_storeweekrollup")
    stores = int(common.psql("SELECT count(*) FROM stores_store"))
    samples = []
    with common.gunicorn(workers=2) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", "head")
        page.fill("input[name=password]", args.password)
        page.click("form.login button[type=submit]")
        page.wait_for_load_state()
        url = f"{base}/reports/branches/?week={label}"
        response = page.goto(url, timeout=120_000)  # warm-up: imports, connections
        if response.status != 200 or "/reports/branches/" not in page.url:
            raise RuntimeError(f"{response.status} {page.url}: {page.content()[:500]}")
        for _ in range(args.runs):
            page.goto(url, wait_until="load", timeout=120_000)
            samples.append(page.evaluate(TIMING))
        browser.close()

    def med(key: str) -> float:
        return round(common.median([sample[key] for sample in samples]), 1)

    print(json.dumps({
        "stores": stores, "week": label, "runs": args.runs, "rows_on_page": samples[-1]["rows"],
        "html_bytes": samples[-1]["bytes"], "median_ms": {key: med(key) for key in ("ttfb", "download", "render", "total")},
        "p95_render_ms": round(common.percentile([s["render"] for s in samples], 95), 1),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
