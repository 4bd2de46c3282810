"""Audit trail benchmark: verifying a 100,000-row trail, and what the trail adds to one save.

`verify_s`: AuditService.verify() over a store whose trail holds --rows rows (median of
--repeat runs): read every row in id order, recompute each hash, compare with the head.
`verify_floor_s`: hashlib.sha256 over exactly the bytes the verification hashes, in a Python
loop, with nothing read from the store: the least any verification in Python could cost.

`save_with_audit_ms` / `save_without_audit_ms`: the median of --saves calls of
AssessmentService.set_response (one answer saved as the editor saves every edit), with the
trail as shipped, and with StoreWriter.note and StoreWriter.audit made no-ops (the store's
other work unchanged). `save_overhead_ms` is the difference; the trail's head is read by its
primary key, so the overhead does not grow with the trail (`trail_rows_before_saves`).

    python benchmarks/audit_bench.py [--rows 100000] [--repeat 3] [--saves 200]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from ccassure.domain.audit_changes import Change, as_json
from ccassure.domain.document import ComponentRef, ProgrammeRef, Response
from ccassure.services.context import build_context
from ccassure.services.paths import AppPaths
from ccassure.store import audit as audit_chain
from ccassure.store.writer import StoreWriter

PROGRAMME = ProgrammeRef(key="cc", name="Command and Control replacement")
CORE = ComponentRef(key="core", name="Core C&C solution", supplier="Leidos")


def fill_trail(context: Any, assessment_id: int, rows: int) -> None:
    """Rows like the editor's: one answer's value changed, old -> new, per row."""
    changes = [
        Change("response", f"step{n % 7}.item{n % 40}", "value", f"Answer {n}", f"Answer {n + 1}")
        for n in range(rows)
    ]
    with context.store.transaction("benchmark") as writer:
        writer.note(*changes)
        writer.audit("response.saved", assessment_id)


def hashed_bytes(path: Path) -> list[bytes]:
    import sqlite3

    db = sqlite3.connect(path)
    columns = ", ".join(audit_chain.COLUMNS)
    found = []
    for values in db.execute(f"SELECT {columns} FROM audit_event ORDER BY id"):
        row = dict(zip(audit_chain.COLUMNS, values, strict=True))
        body = as_json({name: row[name] for name in audit_chain.HASHED})
        found.append((row["prev_hash"] + body).encode())
    db.close()
    return found


def timed(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def floor(data: list[bytes]) -> None:
    for chunk in data:
        hashlib.sha256(chunk).hexdigest()


def saves(context: Any, assessment_id: int, count: int) -> float:
    times = []
    for n in range(count):
        response = Response(item="step1.aims", value=f"Edit {n}: the aims of the processing")
        start = time.perf_counter()
        context.assessments.set_response(assessment_id, response)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--saves", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = AppPaths(Path(folder) / "data", Path(folder) / "store.db")
        context = build_context(paths, mode="create", today=lambda: date(2026, 11, 26))
        try:
            dpia = context.assessments.create("dpia", "DPIA", PROGRAMME, CORE)
            fill_trail(context, dpia, args.rows)
            verdict = context.audit.verify()
            assert verdict.intact, verdict.message()
            verify_s = timed(context.audit.verify, args.repeat)
            data = hashed_bytes(paths.store)
            floor_s = timed(lambda: floor(data), args.repeat)
            rows_before = verdict.count
            with_audit = saves(context, dpia, args.saves)
            note, audit = StoreWriter.note, StoreWriter.audit
            StoreWriter.note = lambda self, *found: None  # type: ignore[method-assign]
            StoreWriter.audit = lambda self, action, ident, **detail: None  # type: ignore[method-assign]
            try:
                without = saves(context, dpia, args.saves)
            finally:
                StoreWriter.note, StoreWriter.audit = note, audit  # type: ignore[method-assign]
            with_again = saves(context, dpia, args.saves)  # the order of runs does not matter
        finally:
            context.close()
    print(
        json.dumps(
            {
                "rows": verdict.count,
                "verify_s": round(verify_s, 3),
                "verify_floor_s": round(floor_s, 3),
                "verify_vs_floor": round(verify_s / floor_s, 2),
                "trail_rows_before_saves": rows_before,
                "save_with_audit_ms": round(statistics.median([with_audit, with_again]), 2),
                "save_without_audit_ms": round(without, 2),
                "save_overhead_ms": round(statistics.median([with_audit, with_again]) - without, 2),
                "saves": args.saves,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
