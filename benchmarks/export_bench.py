"""Export benchmark: the issue log of N synthetic issues to CSV and XLSX, beside writer floors.

Prints one JSON object. `*_service_s` is the export service in this process (store read,
formatting, writing, fsync and rename), the median of --repeat runs; `*_cli_s` is one whole
`ccassure export-issues` process (start-up included). The floors write the same rows, already
in memory as lists of strings, with csv.writer and with openpyxl's write-only workbook (plain
values, no styles): what the libraries cost before ccassure reads or formats anything;
`read_floor_sqlite3_s` is plain sqlite3 fetching the same issue rows in the same order.

    python benchmarks/export_bench.py [--issues 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from openpyxl import Workbook

from ccassure.services.context import build_context
from ccassure.services.paths import AppPaths
from ccassure.store.issue_rows import REF_ORDER


def median_time(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def csv_floor(rows: list[list[str]], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def xlsx_floor(rows: list[list[str]], path: Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Issues")
    for row in rows:
        sheet.append([value or None for value in row])
    workbook.save(path)


def read_floor(store: Path, assessment_id: int) -> None:
    db = sqlite3.connect(store)
    db.execute(
        f"SELECT * FROM issue WHERE assessment_id = ? ORDER BY {REF_ORDER}", (assessment_id,)
    ).fetchall()
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ccassure-export-bench-") as folder:
        base = Path(folder)
        store = base / "store.db"
        cli = [sys.executable, "-m", "ccassure.cli", "--store", str(store)]
        subprocess.run([*cli, "demo", "--scale", str(args.issues)], check=True, capture_output=True)
        context = build_context(AppPaths(base / "data", store))
        a11y = next(s.id for s in context.assessments.list_summaries("accessibility"))
        result: dict[str, object] = {"issues": args.issues}
        result["read_floor_sqlite3_s"] = median_time(partial(read_floor, store, a11y), args.repeat)
        for fmt, floor in (("csv", csv_floor), ("xlsx", xlsx_floor)):
            target = base / f"issues.{fmt}"
            export = partial(context.issue_export.export_issues, a11y, fmt, target, force=True)
            result["exported"] = export()
            service = median_time(export, args.repeat)
            with (base / "issues.csv").open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.reader(handle))
            floor_path = base / f"floor.{fmt}"
            floor_s = median_time(partial(floor, rows, floor_path), args.repeat)
            result[f"{fmt}_service_s"] = service
            result[f"{fmt}_floor_s"] = floor_s
            result[f"{fmt}_vs_floor"] = round(service / floor_s, 2)
            result[f"{fmt}_bytes"] = target.stat().st_size
            started = time.perf_counter()
            subprocess.run(
                [*cli, "export-issues", str(a11y), "--format", fmt, "-o", str(target), "--force"],
                check=True,
                capture_output=True,
            )
            result[f"{fmt}_cli_s"] = round(time.perf_counter() - started, 3)
        context.close()
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        result["python_startup_floor_s"] = round(time.perf_counter() - started, 3)
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
