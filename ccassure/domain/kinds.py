"""The four kinds of assessment (plain constants, cheap to import at start-up)."""

from __future__ import annotations

from typing import Literal

Kind = Literal["dpia", "eia", "accessibility", "environmental"]
KINDS: tuple[Kind, ...] = ("dpia", "eia", "accessibility", "environmental")
