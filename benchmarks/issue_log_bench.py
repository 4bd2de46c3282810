"""Issue log benchmark on a `demo --scale N` store (100,000 synthetic issues by default).

Latency: what one keystroke in the log's filter costs — the service query and the first page
of 200 rows (IssueService.page) — while words are typed letter by letter and facets are
switched on and off with and without text; the 95th percentile over every keystroke of
--repeat rounds (targets: 16 ms). Facet counting, which the log does after a pause in typing,
is reported on its own. Floor: a bare `SELECT COUNT(*) FROM issue` on plain sqlite3, the
same number of times, in the same run.

Memory: the peak resident set (ru_maxrss) of a child process that opens the main window
offscreen on the store, opens the accessibility assessment's editor on its issue log, waits
for the first page and the facet counts, then scrolls through 2,000 rows (target 250 MiB).
Floor: a child process that shows an empty QMainWindow.

Prints one JSON object.

    python benchmarks/issue_log_bench.py [--issues 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ccassure.domain.issue_log import IssueFilter
from ccassure.services.context import build_context
from ccassure.services.paths import AppPaths

WORDS = ("keyboard", "synthetic", "incident", "focus", "nvda", "map")
FACETS = (
    {"severity": "critical"},
    {"status": "open"},
    {"screen": "Map view"},
    {"assistive_tech": "JAWS 2025"},
    {"criterion": "1.4.3"},
    {"severity": "serious", "status": "open"},
)
FLOOR_WINDOW = """
import resource, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1366, 768)
window.show()
QTimer.singleShot(500, app.quit)
app.exec()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
LOG_WINDOW = """
import resource, sys, time
from datetime import date
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from ccassure.services.paths import AppPaths
from ccassure.ui.main_window import MainWindow
from ccassure.ui.settings import AppSettings
from ccassure.ui.store_choice import opener_for
from ccassure.ui.tasks import TaskRunner

store, data = Path(sys.argv[1]), Path(sys.argv[2])
paths = AppPaths(data, store)
window = MainWindow(AppSettings(data), TaskRunner(), data / "log", paths=paths)
window.resize(1366, 768)
window.show()

def wait(condition, seconds=120):
    end = time.monotonic() + seconds
    while not condition():
        app.processEvents()
        time.sleep(0.005)
        if time.monotonic() > end:
            raise SystemExit("timed out")

window.open_store(opener_for(paths, store, "open"), "the store")
wait(lambda: window.context is not None and window.runner.running == 0)
ident = next(s.id for s in window.context.assessments.list_summaries() if s.kind == "accessibility")
window.editing.edit(ident)
page = window.editing.page
wait(lambda: window.pages.currentWidget() is page and page.issue_log is not None)
log = page.issue_log
page.sections.setCurrentRow(page.forms.indexOf(log))
wait(lambda: log.model.rowCount() > 0 and log.combos["criterion"].count() > 1)
def scrolled():
    log.view.scrollToBottom()
    return log.model.rowCount() >= 2000
wait(scrolled)
wait(lambda: window.runner.running == 0)
print(log.model.total, log.model.rowCount(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
window.runner.wait()
"""


def keystrokes() -> list[tuple[str, IssueFilter]]:
    """Every filter the log asks for, by kind, while someone types a word letter by letter,
    then switches each facet on and off with the word still typed, and without it."""
    found: list[tuple[str, IssueFilter]] = []
    for word in WORDS:
        found += [
            ("first_letter" if n == 0 else "more_letters", IssueFilter(text=word[: n + 1]))
            for n in range(len(word))
        ]
        for facets in FACETS:
            found += [("facet_with_text", IssueFilter(text=word, **facets))]
            found += [("facet_with_text", IssueFilter(text=word))]
    for facets in FACETS:
        found += [("facet_alone", IssueFilter(**facets)), ("facet_alone", IssueFilter())]
    return found


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": percentile(values, 0.95),
        "max_ms": round(max(values), 2),
    }


def slowest(keys: dict[str, list[float]]) -> dict[str, float]:
    """How many keystrokes of each kind took longer than the 16 ms target."""
    return {kind: sum(1 for spent in values if spent > 16) for kind, values in keys.items()}


def peak_rss_mib(script: str, *args: str) -> tuple[float, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the window process failed:\n{done.stderr}")
    *shown, kib = done.stdout.split()
    return round(int(kib) / 1024, 1), " ".join(shown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ccassure-log-bench-") as folder:
        base = Path(folder)
        store, data = base / "demo.db", base / "data"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "ccassure.cli",
                "--store",
                str(store),
                "--data-dir",
                str(data),
                "demo",
                "--scale",
                str(args.issues),
            ],
            check=True,
            capture_output=True,
        )
        context = build_context(AppPaths(data, store))
        service = context.issues
        ident = next(
            s.id for s in context.assessments.list_summaries() if s.kind == "accessibility"
        )
        first = timed(lambda: service.page(ident))  # counts the log once, as opening does
        keys: dict[str, list[float]] = {}
        facets, floor = [], []
        bare = sqlite3.connect(store)
        for _ in range(args.repeat):
            for kind, wanted in keystrokes():
                spent = timed(lambda wanted=wanted: service.page(ident, wanted))
                keys.setdefault(kind, []).append(spent)
                floor.append(timed(lambda: bare.execute("SELECT COUNT(*) FROM issue").fetchone()))
            for _kind, wanted in keystrokes()[:: len(WORDS)]:
                facets.append(timed(lambda wanted=wanted: service.facets(ident, wanted)))
        bare.close()
        context.close()
        window_mib, shown = peak_rss_mib(LOG_WINDOW, str(store), str(data / "gui"))
        floor_mib, _ = peak_rss_mib(FLOOR_WINDOW)
    every = [spent for spent_by_kind in keys.values() for spent in spent_by_kind]
    result: dict[str, object] = {
        "issues": args.issues,
        "keystrokes": len(every),
        "filter_keystroke": summary(every),
        "filter_keystroke_by_kind": {kind: summary(spent) for kind, spent in keys.items()},
        "keystrokes_over_16_ms_by_kind": slowest(keys),
        "filter_keystroke_target_p95_ms": 16,
        "floor_select_count": summary(floor),
        "first_page_on_opening_ms": round(first, 2),
        "facet_counts": summary(facets),
        "window_with_log_peak_rss_mib": window_mib,
        "window_with_log_rows_total_and_read": shown,
        "floor_empty_window_peak_rss_mib": floor_mib,
        "window_vs_floor": round(window_mib / floor_mib, 2),
        "peak_rss_target_mib": 250,
        "repeat": args.repeat,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
