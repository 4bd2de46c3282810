"""Store benchmark: demo --scale N, then list and show on it, each beside a bare sqlite3 floor.

Prints one JSON object. Every figure is wall-clock seconds of a whole process (start-up
included), the median of --repeat runs; the floors are plain `python -c` scripts that use
sqlite3 directly, measured in the same run on the same machine.

    python benchmarks/store_bench.py [--issues 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ISSUE_COLUMNS = (
    "ref, title, description, criterion, severity, status, assistive_tech, at_version, os, "
    "browser, screen, steps, expected, actual, source, rule_id, found_on"
)
FLOOR_INSERT = f"""
import sqlite3, sys, random
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
db.execute("CREATE TABLE issue (id INTEGER PRIMARY KEY, assessment_id INTEGER, {ISSUE_COLUMNS})")
db.execute("CREATE INDEX ix1 ON issue (assessment_id)")
db.execute("CREATE INDEX ix2 ON issue (assessment_id, severity, status)")
db.execute("CREATE INDEX ix3 ON issue (assessment_id, status)")
rng = random.Random(1)
rows = [(1, f"SYN-{{n:06d}}", f"Screen: synthetic finding {{n}}", "Generated for scale testing.",
         rng.choice(("1.1.1", "1.4.3", "2.1.1")), rng.choice(("critical", "minor")), "open",
         "NVDA", "", "Windows 11 23H2", "desktop client 2.3", "Map view", "", "", "", "manual",
         "", "2025-01-06") for n in range(int(sys.argv[2]))]
with db:
    db.executemany(
        "INSERT INTO issue (assessment_id, {ISSUE_COLUMNS}) VALUES ({", ".join(["?"] * 18)})",
        rows,
    )
"""
FLOOR_READ = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ident = int(sys.argv[2])
for table in ("response", "risk", "impact", "action", "issue", "evaluation", "attachment",
              "signoff"):
    db.execute(f"SELECT * FROM {table} WHERE assessment_id = ?", (ident,)).fetchall()
db.execute("SELECT * FROM assessment").fetchall()
"""


def timed(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def ccassure(store: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "ccassure.cli", "--store", str(store), *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "0")
    with tempfile.TemporaryDirectory(prefix="ccassure-bench-") as folder:
        base = Path(folder)
        builds, floors = [], []
        for attempt in range(3):
            store, floor_db = base / f"demo{attempt}.db", base / f"floor{attempt}.db"
            started = time.perf_counter()
            subprocess.run(
                ccassure(store, "demo", "--scale", str(args.issues)),
                check=True,
                capture_output=True,
            )
            builds.append(time.perf_counter() - started)
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", FLOOR_INSERT, str(floor_db), str(args.issues)], check=True
            )
            floors.append(time.perf_counter() - started)
        store = base / "demo0.db"
        listing = json.loads(
            subprocess.run(
                ccassure(store, "list", "--json"), check=True, capture_output=True, text=True
            ).stdout
        )
        dpia = next(a["id"] for a in listing if a["kind"] == "dpia" and a["status"] == "approved")
        a11y = next(a["id"] for a in listing if a["kind"] == "accessibility")
        floor_read = [sys.executable, "-c", FLOOR_READ, str(store)]
        result = {
            "issues": args.issues,
            "demo_scale_s": round(statistics.median(builds), 3),
            "demo_scale_floor_sqlite3_s": round(statistics.median(floors), 3),
            "list_s": timed(ccassure(store, "list"), args.repeat),
            "list_json_s": timed(ccassure(store, "list", "--json"), args.repeat),
            "show_dpia_s": timed(ccassure(store, "show", str(dpia)), args.repeat),
            "show_dpia_json_s": timed(ccassure(store, "show", str(dpia), "--json"), args.repeat),
            "read_floor_sqlite3_s": timed([*floor_read, str(dpia)], args.repeat),
            "show_accessibility_json_s": timed(ccassure(store, "show", str(a11y), "--json"), 1),
            "read_accessibility_floor_sqlite3_s": timed([*floor_read, str(a11y)], 1),
            "python_startup_floor_s": timed([sys.executable, "-c", "pass"], args.repeat),
            "store_bytes": store.stat().st_size,
            "floor_store_bytes": (base / "floor0.db").stat().st_size,
        }
        result["demo_scale_vs_floor"] = round(
            result["demo_scale_s"] / result["demo_scale_floor_sqlite3_s"], 2
        )
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
