"""Kill a writing process at random moments: the store stays intact and keeps every commit."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ccassure.store.store import Store

ROOT = Path(__file__).resolve().parent.parent
KILLS = 20


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_committed_write(tmp_path: Path) -> None:
    store = tmp_path / "durable.db"
    Store.create(store).close()
    rng = random.Random(20261126)
    reported: list[int] = []
    for _ in range(KILLS):
        start = (max(reported) + 1) if reported else 0
        child = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "durability_child.py"), str(store), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert child.stdout is not None
        first = child.stdout.readline()  # it has started and committed (however slow the machine)
        time.sleep(rng.uniform(0.0, 1.0))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL, err
        reported += [int(line) for line in (first + out).split()]

        db = sqlite3.connect(store)
        try:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
            titles = {row[0] for row in db.execute("SELECT title FROM assessment")}
            notes = {row[0] for row in db.execute("SELECT comment FROM response")}
        finally:
            db.close()
        missing = [n for n in reported if f"EIA {n}" not in titles or f"note {n}" not in notes]
        assert missing == []
    assert len(reported) >= KILLS  # the children really wrote between the kills
