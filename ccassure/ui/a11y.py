"""Accessibility helpers: names, descriptions and announcements to assistive technology."""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget


def name(widget: QWidget, text: str, description: str = "") -> QWidget:
    """Give a widget its accessible name (and description), and the same tooltip."""
    widget.setAccessibleName(text)
    if description:
        widget.setAccessibleDescription(description)
    if not widget.toolTip():
        widget.setToolTip(description or text)
    return widget


def announce(widget: QWidget, message: str, assertive: bool = False) -> None:
    """Ask screen readers to speak a status change, without moving the focus."""
    event = QAccessibleAnnouncementEvent(widget, message)
    if assertive:
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(event)
