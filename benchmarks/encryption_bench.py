"""Encrypted store cost: the same work on the demo store, plain (the floor) and SQLCipher.

Prints one JSON object: medians of --repeat runs, in seconds, for each of
  open_list   open the store and list its assessments (as `ccassure list` does)
  show        read every assessment's full document
  save_answer one answer saved (its own transaction, durable), median of 50 saves
  big_counts  open a store with --issues issues and count every table's rows (reads all pages)
plus the passphrase's scrypt cost (paid once per opening when there is no keyring).

    python benchmarks/encryption_bench.py [--repeat 5] [--issues 100000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ccassure.services.assessments import AssessmentService
from ccassure.services.context import load_template_set
from ccassure.services.demo import build_demo
from ccassure.services.paths import AppPaths, builtin_resources
from ccassure.services.store_encryption import encrypt_store
from ccassure.store.cipher import StoreKey, passphrase_key
from ccassure.store.store import Store

PASS = "benchmark passphrase"


def median(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(path: Path, key: StoreKey | None, templates: object, repeat: int) -> dict[str, float]:
    def open_list() -> None:
        store = Store.open(path, key)
        store.reader().list_assessments()
        store.close()

    def show() -> None:
        store = Store.open(path, key)
        service = AssessmentService(store, templates, date.today)  # type: ignore[arg-type]
        for summary in service.list_summaries():
            service.document(summary.id)
        store.close()

    store = Store.open(path, key)
    service = AssessmentService(store, templates, date.today)  # type: ignore[arg-type]
    draft = next(s for s in service.list_summaries() if s.status == "draft")
    response = service.document(draft.id).responses[0]
    saves = []
    for n in range(50):
        changed = response.model_copy(update={"comment": f"saved {n}"})
        start = time.perf_counter()
        service.set_response(draft.id, changed)
        saves.append(time.perf_counter() - start)
    store.close()
    return {
        "open_list": median(open_list, repeat),
        "show": median(show, repeat),
        "save_answer": statistics.median(saves),
    }


def counts(path: Path, key: StoreKey | None) -> None:
    store = Store.open(path, key)
    store.reader().table_counts()
    store.close()


def build(folder: Path, name: str, issues: int, templates: object) -> Path:
    path = folder / name
    store = Store.create(path)
    service = AssessmentService(store, templates, date.today)  # type: ignore[arg-type]
    build_demo(service, builtin_resources(), scale=issues)
    store.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--issues", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        templates = load_template_set(AppPaths(root / "data", root / "x.db"))
        plain = build(root, "plain.db", 0, templates)
        encrypted = build(root, "encrypted.db", 0, templates)
        encrypt_store(encrypted, PASS)
        key = passphrase_key(PASS, encrypted.read_bytes()[:16])
        floor = measure(plain, None, templates, args.repeat)
        cipher = measure(encrypted, key, templates, args.repeat)
        scrypt = median(lambda: passphrase_key(PASS, key.salt), args.repeat)
        if args.issues:
            big = build(root, "big.db", args.issues, templates)
            big_encrypted = build(root, "big-encrypted.db", args.issues, templates)
            encrypt_store(big_encrypted, PASS)
            big_key = passphrase_key(PASS, big_encrypted.read_bytes()[:16])
            floor["big_counts"] = median(lambda: counts(big, None), args.repeat)
            cipher["big_counts"] = median(lambda: counts(big_encrypted, big_key), args.repeat)
    print(
        json.dumps(
            {
                "plain_floor": floor,
                "sqlcipher": cipher,
                "ratio": {k: round(cipher[k] / floor[k], 2) for k in floor},
                "passphrase_scrypt_s": scrypt,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
