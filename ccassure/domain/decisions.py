"""Sign-off decisions: the values a record may carry, and which roles take which by default."""

from __future__ import annotations

from typing import Literal

Decision = Literal[
    "approved",
    "approved_with_conditions",
    "rejected",
    "advice_given",
    "accepted",
    "overruled",
    "noted",
]
DEFAULT_DECISIONS: tuple[Decision, ...] = ("approved", "approved_with_conditions", "rejected")
"""What a template role takes when the template does not say."""
REJECTING: Decision = "rejected"
"""The one decision that sends a version back; any other a role allows approves it."""
