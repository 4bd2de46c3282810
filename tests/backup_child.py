"""Child process for backup failure tests: one scheduled backup, then the folder's files."""

from __future__ import annotations

import hashlib
import resource
import signal
import sys
from datetime import datetime
from pathlib import Path

from ccassure.domain.errors import CcassureError
from ccassure.services.backup_schedule import BackupPlan, run_scheduled_backup


def main(store: str, folder: str, when: str, max_file_bytes: int) -> None:
    if max_file_bytes:  # a full disk, as far as this process can tell: writes fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))
    plan = BackupPlan(Path(folder), 4.0, 10, True)
    try:
        outcome = run_scheduled_backup(Path(store), plan, datetime.fromisoformat(when))
    except CcassureError as exc:
        print(f"error {exc}")
    else:
        print(f"ok {outcome.path}")
    for path in sorted(Path(folder).iterdir()):  # seen from here: a mount may hide them outside
        print(path.name, hashlib.sha256(path.read_bytes()).hexdigest())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
