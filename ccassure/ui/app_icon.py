"""The application icon, drawn from the SVG master among the built-in resources."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from ccassure.services.paths import builtin_resources

DESKTOP_FILE_NAME = "uk.police.ccassure"  # the .desktop file's and AppStream id's name


def app_icon() -> QIcon:
    return QIcon(str(builtin_resources() / "icons" / "ccassure.svg"))
