"""The timeline page in a real browser over a big library: prints figures, asserts nothing.

    .venv/bin/python bench/page.py                  # PostgreSQL, 100,000 photos
    .venv/bin/python bench/page.py --photos 20000 --no-lighthouse

A fresh PostgreSQL library seeded in bulk (bench/_library.py), `myphoto serve` with its
defaults, and Debian's Chromium driven by Playwright, on a desktop (1280 × 800) and a
phone (390 × 844, 3× pixels, touch) viewport. The server runs at the lowest CPU priority:
a phone or a laptop does not run it, and on this machine's two cores it took them from
the browser while it sent thumbnails (a 59 ms task of the page's main thread had used
10 ms of CPU, per Chromium's trace; such tasks came in half the runs, and in none of
five with the server niced).

- LCP: the largest contentful paint of the timeline (its first screen of thumbnails);
- layout of 500 tiles: js/layout.js laying out the first 500 tiles again from nothing
  (every box moved: the row height changed), median of 20, style and layout included,
  once the page is quiet (no thumbnail arrived for half a second: measured while
  hundreds still arrived, it was the decoding of them as much as the layout);
- scrolling 30 screens: the longest task the page ran (PerformanceObserver "longtask",
  so only tasks over 50 ms are seen: "none" means none was), and the tab's JS heap and
  DOM nodes after them;
- Lighthouse 12 (npm, run with the same Chromium) performance, accessibility and
  best-practices scores of the timeline, desktop and mobile presets.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import serve
from _library import django_in, library_environment, seed, write_thumbnails
from timeline import session_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LIGHTHOUSE = "12.2.3"  # 13 wants Node 22; this machine has 20
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
}

OBSERVE = """() => {
    window.__bench = { lcp: 0, longest: 0, tasks: 0, resources: 0 };
    new PerformanceObserver((list) => {
        window.__bench.resources += list.getEntries().length;
    }).observe({ type: "resource" });
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__bench.lcp = entry.startTime;
    }).observe({ type: "largest-contentful-paint", buffered: true });
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            window.__bench.tasks += 1;
            window.__bench.longest = Math.max(window.__bench.longest, entry.duration);
        }
    }).observe({ type: "longtask", buffered: true });
}"""

QUIET = """() => new Promise((resolve) => {
    let seen = -1;
    const check = () => {
        if (window.__bench.resources === seen) return resolve();
        seen = window.__bench.resources;
        setTimeout(check, 500);
    };
    check();
})"""

LAYOUT_500 = """async () => {
    const { layOut } = await import("/static/photos/js/layout.js");
    const timeline = document.getElementById("timeline");
    const tiles = [...timeline.querySelectorAll(".tile")];
    // Only the first 500: the others leave the DOM while it is measured.
    const rest = tiles.slice(500).map((tile) => [tile, tile.parentNode, tile.nextSibling]);
    rest.forEach(([tile]) => tile.remove());
    const times = [];
    const scripts = [];
    for (let n = 0; n < 20; n++) {
        timeline.style.setProperty("--row", `${180 + (n % 2) * 20}px`); // every box moves
        void timeline.offsetHeight;
        const start = performance.now();
        layOut(timeline);
        scripts.push(performance.now() - start);
        void timeline.offsetHeight; // style and layout, not only the script
        times.push(performance.now() - start);
    }
    scripts.sort((a, b) => a - b);
    timeline.style.removeProperty("--row");
    rest.reverse().forEach(([tile, parent, next]) => parent.insertBefore(tile, next));
    layOut(timeline);
    times.sort((a, b) => a - b);
    return { median: times[10], script: scripts[10], tiles: Math.min(tiles.length, 500) };
}"""


def browse(base: str, session: str, name: str, options: dict) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(**options)
        host = base.split("//", 1)[1].split(":")[0]
        context.add_cookies([{"name": "sessionid", "value": session, "domain": host, "path": "/"}])
        page = context.new_page()
        page.add_init_script(f"({OBSERVE})()")
        page.goto(f"{base}/", wait_until="load")
        page.wait_for_function(
            "() => document.getElementById('timeline')?.classList.contains('justified')"
        )
        page.wait_for_timeout(1500)  # LCP settles once the first thumbnails are in
        lcp = page.evaluate("() => window.__bench.lcp")
        # Enough tiles for the layout figure: scroll until 500 are on the page.
        while page.evaluate("() => document.querySelectorAll('#timeline .tile').length") < 500:
            page.mouse.wheel(0, 4000)
            page.wait_for_timeout(250)
        page.evaluate(QUIET)
        layout = page.evaluate(LAYOUT_500)
        page.evaluate("() => window.scrollTo(0, 0)")
        page.wait_for_timeout(500)
        page.evaluate("() => { window.__bench.longest = 0; window.__bench.tasks = 0; }")
        for _ in range(30):
            page.mouse.wheel(0, options["viewport"]["height"])
            page.wait_for_timeout(200)
        page.wait_for_timeout(1000)
        scrolled = page.evaluate("() => window.__bench")
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        cdp.send("HeapProfiler.collectGarbage")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        browser.close()
    return {
        "viewport": name,
        "lcp_ms": lcp,
        "layout_500_ms": layout["median"],
        "layout_script_ms": layout["script"],
        "longest_task_ms": scrolled["longest"],
        "long_tasks": scrolled["tasks"],
        "heap_mb": metrics.get("JSHeapUsedSize", 0) / 1e6,
        "dom_nodes": int(metrics.get("Nodes", 0)),
        "tiles": int(layout["tiles"]),
    }


def lighthouse(base: str, session: str) -> dict[str, dict[str, int]]:
    """Scores (0-100) of the timeline, desktop and mobile presets."""
    tools = Path(tempfile.gettempdir()) / f"myphoto-lighthouse-{LIGHTHOUSE}"
    binary = tools / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        tools.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(tools), f"lighthouse@{LIGHTHOUSE}"],
            check=True,
        )
    scores = {}
    for preset in ("desktop", "mobile"):
        report = tools / f"report-{preset}.json"
        command = [
            str(binary),
            f"{base}/",
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            "--only-categories=performance,accessibility,best-practices",
            f"--extra-headers={json.dumps({'Cookie': f'sessionid={session}'})}",
            "--chrome-flags=--headless=new --no-sandbox",
        ]
        if preset == "desktop":
            command.append("--preset=desktop")
        subprocess.run(command, check=True, env={"CHROME_PATH": CHROMIUM, "PATH": "/usr/bin:/bin"})
        categories = json.loads(report.read_text())["categories"]
        scores[preset] = {name: round(100 * c["score"]) for name, c in categories.items()}
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()

    env = library_environment("postgres", args.photos, "page")
    django_in(env)
    print(f"== seeding {args.photos:,} photos on PostgreSQL", flush=True)
    _token, user_name = seed(args.photos)
    write_thumbnails(Path(env["MYPHOTO_DATA_DIR"]) / "media")
    session = session_for(user_name)
    base, server = serve(env, niceness=19)
    try:
        rows = [browse(base, session, name, options) for name, options in VIEWPORTS.items()]
        scores = {} if args.no_lighthouse else lighthouse(base, session)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(env["MYPHOTO_DATA_DIR"], ignore_errors=True)

    print(f"\nThe timeline of {args.photos:,} photos (PostgreSQL), Chromium")
    print(
        f"  {'':8} {'LCP ms':>8} {'layout 500':>11} {'longest task':>13} {'heap MB':>8} {'DOM':>7}"
    )
    for row in rows:
        longest = f"{row['longest_task_ms']:.0f} ms" if row["long_tasks"] else "none >50"
        print(
            f"  {row['viewport']:8} {row['lcp_ms']:8.0f} {row['layout_500_ms']:8.1f} ms"
            f" {longest:>13} {row['heap_mb']:8.1f} {row['dom_nodes']:7}"
            f"   (layout's script alone {row['layout_script_ms']:.1f} ms)"
        )
    for preset, categories in scores.items():
        print(f"  Lighthouse {preset}: " + ", ".join(f"{k} {v}" for k, v in categories.items()))
    print("  targets: LCP <= 1000 ms, layout <= 10 ms, no task > 50 ms, Lighthouse >= 95")
    print(f"  medians of layout: {statistics.median(r['layout_500_ms'] for r in rows):.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
