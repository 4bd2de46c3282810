"""Colour schemes: follow the system (the default, including high contrast), light or dark."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

SCHEMES = (("system", "Follow the &system"), ("light", "&Light"), ("dark", "&Dark"))

_DARK = {
    QPalette.ColorRole.Window: "#1e1e1e",
    QPalette.ColorRole.WindowText: "#f0f0f0",
    QPalette.ColorRole.Base: "#121212",
    QPalette.ColorRole.AlternateBase: "#2a2a2a",
    QPalette.ColorRole.Text: "#f0f0f0",
    QPalette.ColorRole.Button: "#2d2d2d",
    QPalette.ColorRole.ButtonText: "#f0f0f0",
    QPalette.ColorRole.ToolTipBase: "#2d2d2d",
    QPalette.ColorRole.ToolTipText: "#f0f0f0",
    QPalette.ColorRole.PlaceholderText: "#b0b0b0",
    QPalette.ColorRole.Highlight: "#4d9fff",
    QPalette.ColorRole.HighlightedText: "#000000",
    QPalette.ColorRole.Link: "#8ab4ff",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Light: "#3a3a3a",
    QPalette.ColorRole.Midlight: "#333333",
    QPalette.ColorRole.Mid: "#5a5a5a",
    QPalette.ColorRole.Dark: "#0e0e0e",
    QPalette.ColorRole.Shadow: "#000000",
}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8a8a8a"))
    return palette


def apply_scheme(app: QApplication, scheme: str, system: QPalette, style: str) -> None:
    """Dark and light use Qt's Fusion style with a fixed palette; system restores the
    platform's own style and palette, so later system changes are followed again."""
    if scheme == "dark":
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(dark_palette())
    elif scheme == "light":
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(app.style().standardPalette())
    else:
        app.setStyle(QStyleFactory.create(style) or app.style())
        app.setPalette(system)
