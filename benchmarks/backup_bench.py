"""Backup benchmark: a verified backup of the demo store with N synthetic issues.

Two floors, measured in the same run: SQLite's online backup API alone copying the same
store, and that copy plus what any verification must do at least (PRAGMA integrity_check of
the copy, every row of both files read by sqlite3). `ours` is `ccassure backup`'s work (copy,
integrity check, every row of the store and of the copy digested and compared). Prints one
JSON object.

    python benchmarks/backup_bench.py [--scale 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ccassure.services.backup_check import verified_backup  # noqa: E402


def read_everything(store: Path, copy: Path) -> float:
    started = time.perf_counter()
    db = sqlite3.connect(copy)
    db.execute("PRAGMA integrity_check").fetchall()
    db.close()
    for path in (store, copy):
        db = sqlite3.connect(path)
        tables = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
        ).fetchall()
        for (table,) in tables:
            for _row in db.execute(f'SELECT * FROM "{table}"'):
                pass
        db.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        store = root / "big.db"
        command = ["--store", str(store), "--data-dir", str(root), "demo", "--scale"]
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from ccassure.cli import main; main()",
                *command,
                str(args.scale),
            ],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        floor, read_floor, ours = [], [], []
        for run in range(args.repeat):
            started = time.perf_counter()
            source, copy = sqlite3.connect(store), sqlite3.connect(root / f"floor-{run}.db")
            source.backup(copy)
            copy.close()
            source.close()
            floor.append(time.perf_counter() - started)
            read_floor.append(floor[-1] + read_everything(store, root / f"floor-{run}.db"))
            started = time.perf_counter()
            check = verified_backup(store, root / f"ours-{run}.db")
            ours.append(time.perf_counter() - started)
        best_floor, best = min(floor), min(ours)
        print(
            json.dumps(
                {
                    "store_mb": round(store.stat().st_size / 2**20, 1),
                    "versions_compared": check.matched,
                    "ours_s": round(best, 3),
                    "ours_median_s": round(statistics.median(ours), 3),
                    "floor_copy_s": round(best_floor, 3),
                    "ratio_copy": round(best / best_floor, 1),
                    "floor_copy_check_read_s": round(min(read_floor), 3),
                    "ratio_copy_check_read": round(best / min(read_floor), 2),
                }
            )
        )


if __name__ == "__main__":
    main()
