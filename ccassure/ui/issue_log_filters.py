"""The issue log's filter bar: a text field, facet choices with counts, and the sort."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox

from ccassure.domain.issue_log import IssueLogPage
from ccassure.ui.a11y import name

ANY = {
    "severity": "Any severity",
    "status": "Any status",
    "criterion": "Any criterion",
    "assistive_tech": "Any assistive tech",
    "screen": "Any screen",
}
ORDER_WORDS = {
    "ref": ("first logged first", "last logged first"),
    "severity": ("most severe first", "least severe first"),
    "status": ("open first", "won't fix first"),
    "found_on": ("earliest first", "latest first"),
}
FACET_NAMES = {
    "severity": "severity",
    "status": "status",
    "criterion": "WCAG criterion",
    "assistive_tech": "assistive technology",
    "screen": "screen",
}
CAPTIONS = {
    "severity": "Severit&y:",
    "status": "St&atus:",
    "criterion": "&Criterion:",
    "assistive_tech": "Ass&istive tech:",
    "screen": "Scree&n:",
}


def count_text(page: IssueLogPage, filtered: bool) -> str:
    everything = f"{page.everything:,} issue{'s' if page.everything != 1 else ''}"
    return f"{page.total:,} of {everything}" if filtered else everything


def facet_combo(label: str, entries: Sequence[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(18)
    name(combo, label)
    for key, text in entries:
        combo.addItem(text, key)
    return combo


def refill(combo: QComboBox, entries: Sequence[tuple[str, str]], chosen_label: str) -> None:
    """New entries; the chosen one stays chosen (with no count if none of it is left)."""
    if [(combo.itemData(i), combo.itemText(i)) for i in range(combo.count())] == list(entries):
        return
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for key, text in entries:
        combo.addItem(text, key)
    if chosen and combo.findData(chosen) < 0:
        combo.addItem(f"{chosen_label} (0)", chosen)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
    combo.blockSignals(False)
