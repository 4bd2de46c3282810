"""Remembered choices: last store, window layout, text size, backup plan (QSettings)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from ccassure.services.backup_schedule import BackupPlan, default_plan

TEXT_SIZES = (100, 125, 150, 175, 200)


class AppSettings:
    """An INI file under the data directory, so each data directory keeps its own choices."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self._qt = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)

    def _text(self, key: str) -> str:
        value = self._qt.value(key, "")
        return str(value) if value is not None else ""

    @property
    def store(self) -> Path | None:
        value = self._text("store/path")
        return Path(value) if value else None

    @store.setter
    def store(self, path: Path) -> None:
        self._qt.setValue("store/path", str(path))
        self._qt.sync()

    @property
    def text_size(self) -> int:
        try:
            value = int(self._text("view/text_size") or 100)
        except ValueError:
            return 100
        return value if value in TEXT_SIZES else 100

    @text_size.setter
    def text_size(self, percent: int) -> None:
        self._qt.setValue("view/text_size", percent)
        self._qt.sync()

    @property
    def colour_scheme(self) -> str:
        value = self._text("view/colour_scheme")
        return value if value in ("system", "light", "dark") else "system"

    @colour_scheme.setter
    def colour_scheme(self, scheme: str) -> None:
        self._qt.setValue("view/colour_scheme", scheme)
        self._qt.sync()

    @property
    def owner(self) -> str:
        """The owner given to the last new assessment (most people create their own)."""
        return self._text("assessment/owner")

    @owner.setter
    def owner(self, owner: str) -> None:
        self._qt.setValue("assessment/owner", owner)
        self._qt.sync()

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry, state = self._qt.value("window/geometry"), self._qt.value("window/state")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def save_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self._qt.setValue("window/geometry", geometry)
        self._qt.setValue("window/state", state)
        self._qt.sync()

    @property
    def backup_plan(self) -> BackupPlan:
        """Automatic backups; the defaults (off) until the person sets them in Tools → Backups."""
        default = default_plan(self.data_dir)
        folder = self._text("backup/folder")
        try:
            every_hours = float(self._text("backup/every_hours") or default.every_hours)
            keep = int(self._text("backup/keep") or default.keep)
        except ValueError:
            every_hours, keep = default.every_hours, default.keep
        plan = BackupPlan(
            Path(folder) if folder else default.folder,
            every_hours,
            keep,
            self._text("backup/enabled") == "true",
        )
        return plan if not plan.problem() else default

    @backup_plan.setter
    def backup_plan(self, plan: BackupPlan) -> None:
        self._qt.setValue("backup/folder", str(plan.folder))
        self._qt.setValue("backup/every_hours", repr(plan.every_hours))
        self._qt.setValue("backup/keep", str(plan.keep))
        self._qt.setValue("backup/enabled", "true" if plan.enabled else "false")
        self._qt.sync()
