"""The four kinds of assessment and issue statuses as people read them (plain constants, cheap
to import at start-up)."""

from __future__ import annotations

from typing import Literal

Kind = Literal["dpia", "eia", "accessibility", "environmental"]
KINDS: tuple[Kind, ...] = ("dpia", "eia", "accessibility", "environmental")
ISSUE_STATUS_LABELS: dict[str, str] = {
    "open": "Open",
    "fixed": "Fixed by supplier",
    "retest_passed": "Retest passed",
    "retest_failed": "Retest failed",
    "closed": "Closed",
    "wont_fix": "Won't fix",
}
