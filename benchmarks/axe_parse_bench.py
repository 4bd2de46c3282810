"""axe-core import benchmark: parse_axe on ~5 MB and ~50 MB scans beside json.load of the same file.

The files are the real fixture scans (tests/fixtures/axe) repeated over many page URLs, written
as an array of results objects, indented as axe users save them, in a temporary folder. Prints one
JSON object: for each size the file, what was read, the median seconds of --repeat runs of each,
their ratio (json.load is the floor: parse_axe can only add to it), the same with the garbage
collector off (a full collection that json.load leaves due can fall inside parse_axe's walk),
and the peak memory of one run of each under tracemalloc.

    python benchmarks/axe_parse_bench.py [--repeat 5] [--sizes 5,50]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ccassure.domain.axe import parse_axe

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "axe"
PAGES = ("incidents", "login", "map", "units")
MB = 1024 * 1024


def write_scan(folder: Path, megabytes: int) -> tuple[Path, int]:
    scans = [json.loads((FIXTURES / f"{page}.json").read_text(encoding="utf-8")) for page in PAGES]
    average = sum(len(json.dumps(scan, indent=2)) for scan in scans) / len(scans)
    count = max(1, round(megabytes * MB / average))
    results = [
        dict(scans[n % len(scans)], url=f"https://cad.control-room.test/{PAGES[n % 4]}?view={n}")
        for n in range(count)
    ]
    path = folder / f"axe-{megabytes}mb.json"
    path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return path, count


def median_seconds(works: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Each work's median time; the works take turns, so a busy moment hits them all alike."""
    times: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(repeat):
        for name, work in works.items():
            started = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - started)
    return {name: round(statistics.median(values), 4) for name, values in times.items()}


def peak_mb(work: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        work()
        return round(tracemalloc.get_traced_memory()[1] / MB, 1)
    finally:
        tracemalloc.stop()


def measure(path: Path, results: int, repeat: int) -> dict[str, Any]:
    def floor() -> Any:
        with path.open("rb") as file:
            return json.load(file)

    def ours() -> Any:
        return parse_axe(path.read_bytes(), path.name)

    def ours_with_review() -> Any:
        return parse_axe(path.read_bytes(), path.name, include_incomplete=True)

    scan = ours_with_review()
    works = {"floor": floor, "ours": ours, "review": ours_with_review}
    seconds = median_seconds(works, repeat)
    parse_s, review_s, floor_s = seconds["ours"], seconds["review"], seconds["floor"]
    gc.disable()
    try:
        quiet = median_seconds({"floor": floor, "ours": ours}, repeat)
    finally:
        gc.enable()
    return {
        "file_mb": round(path.stat().st_size / MB, 1),
        "results": results,
        "findings": len(scan.findings),
        "occurrences": sum(len(f.occurrences) for f in scan.findings),
        "parse_axe_s": parse_s,
        "parse_axe_with_incomplete_s": review_s,
        "json_load_s": floor_s,
        "ratio": round(parse_s / floor_s, 2),
        "ratio_with_incomplete": round(review_s / floor_s, 2),
        "gc_off": {**quiet, "ratio": round(quiet["ours"] / quiet["floor"], 2)},
        "peak_mb": {"parse_axe": peak_mb(ours), "json_load": peak_mb(floor)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="5,50", help="megabytes, comma-separated")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for megabytes in (int(size) for size in args.sizes.split(",")):
            path, results = write_scan(Path(folder), megabytes)
            report[f"{megabytes}mb"] = measure(path, results, args.repeat)
            path.unlink()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
