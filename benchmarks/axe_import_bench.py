"""axe-core import benchmark: a ~5 MB scan into the demo's accessibility assessment.

The floor is `json.load` of the same file, measured in the same run. Each import goes into a
fresh copy of a demo store (so every run creates the same issues). Prints one JSON object.

    python benchmarks/axe_import_bench.py [--megabytes 5] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from axe_parse_bench import write_scan

from ccassure.services.axe_import import import_axe
from ccassure.services.context import build_context
from ccassure.services.demo import build_demo
from ccassure.services.paths import AppPaths, builtin_resources


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        scan, results = write_scan(root, args.megabytes)
        size_mb = scan.stat().st_size / 2**20
        template = root / "demo.db"
        context = build_context(AppPaths(root / "data", template), "create")
        build_demo(context.assessments, builtin_resources())
        context.close()
        floor, ours, created = [], [], 0
        for run in range(args.repeat):
            started = time.perf_counter()
            with scan.open("rb") as handle:
                json.load(handle)
            floor.append(time.perf_counter() - started)
            store = root / f"run-{run}.db"
            shutil.copy(template, store)
            context = build_context(AppPaths(root / "data", store))
            audit = next(
                s.id for s in context.assessments.list_summaries() if s.kind == "accessibility"
            )
            started = time.perf_counter()
            result = import_axe(context.assessments, audit, scan)
            ours.append(time.perf_counter() - started)
            created = result.created
            context.close()
    median_floor, median_ours = statistics.median(floor), statistics.median(ours)
    print(
        json.dumps(
            {
                "file_mb": round(size_mb, 1),
                "results": results,
                "issues_created": created,
                "import_s": round(median_ours, 3),
                "floor_json_load_s": round(median_floor, 3),
                "import_vs_floor": round(median_ours / median_floor, 1),
                "repeat": args.repeat,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
