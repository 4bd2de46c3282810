"""Choosing a store: first run, File → New / Open, and the demo; each gives an opener."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QWidget

from ccassure.services.paths import AppPaths
from ccassure.ui.settings import AppSettings
from ccassure.ui.tasks import TaskControl

if TYPE_CHECKING:
    from ccassure.services.context import Context
    from ccassure.ui.main_window import Opener

DEMO, NEW, OPEN = "demo", "new", "open"


FILE_FILTER = "ccassure stores (*.db);;All files (*)"


def opener_for(paths: AppPaths, store: Path, mode: str) -> Opener:
    from ccassure.ui.store_unlock import StoreOpener

    return StoreOpener(paths, store, mode)


def demo_opener(paths: AppPaths) -> Opener:
    def open_demo(_control: TaskControl) -> Context:
        from ccassure.services.context import build_demo_context

        return build_demo_context(paths)

    return open_demo


def ask_first_run(
    parent: QWidget, paths: AppPaths, settings: AppSettings
) -> tuple[Opener, str] | None:
    """The first-run choice; the store it leads to is remembered for next time."""
    from ccassure.ui.first_run import FirstRunDialog

    dialog = FirstRunDialog(parent)
    if not dialog.exec():
        return None
    found = choose_store(parent, paths, settings, dialog.choice)
    return found if found is not None else ask_first_run(parent, paths, settings)


def choose_store(
    parent: QWidget, paths: AppPaths, settings: AppSettings, choice: str
) -> tuple[Opener, str] | None:
    """Demo, or a file picked for a new or an existing store; None when nothing was picked."""
    if choice == DEMO:
        return demo_opener(paths), "the demo programme"
    options = QFileDialog.Option.DontUseNativeDialog
    if choice == NEW:
        chosen, _ = QFileDialog.getSaveFileName(
            parent, "Create a new store", str(paths.store), FILE_FILTER, options=options
        )
        mode = "create"
    elif choice == OPEN:
        chosen, _ = QFileDialog.getOpenFileName(
            parent, "Open a store", str(paths.data_dir), FILE_FILTER, options=options
        )
        mode = "open"
    else:
        return None
    if not chosen:
        return None
    if mode == "create":
        from ccassure.ui.store_unlock import choose_encryption

        opener = choose_encryption(parent, paths, Path(chosen))
        return None if opener is None else (opener, Path(chosen).name)
    return opener_for(paths, Path(chosen), mode), Path(chosen).name
