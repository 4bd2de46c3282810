"""The main window's menus: every command with its shortcut, shown beside it in the menu."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from ccassure.ui.palette import SCHEMES

if TYPE_CHECKING:
    from ccassure.ui.main_window import MainWindow

Key = str | QKeySequence.StandardKey | None
Std = QKeySequence.StandardKey


def _add(
    window: MainWindow, menu: QMenu, text: str, key: Key, slot: Callable[[], object], tip: str
) -> QAction:
    action = QAction(text, window)
    if key is not None:
        action.setShortcut(QKeySequence(key))
    action.setStatusTip(tip)
    action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


def _new_assessment(window: MainWindow) -> None:
    from ccassure.ui.new_assessment import ask_new_assessment  # not needed for the first paint

    ask_new_assessment(window)


def _verify_pdf(window: MainWindow) -> None:
    from ccassure.ui.pdf_verify import show_verify_pdf

    show_verify_pdf(window)


def _identities(window: MainWindow) -> None:
    from ccassure.ui.identities_window import show_identities

    show_identities(window)


def _backups(window: MainWindow) -> None:
    from ccassure.ui.backup_dialog import show_backups

    show_backups(window)


def _packages(window: MainWindow, which: str) -> None:
    from ccassure.ui.package_open import open_package
    from ccassure.ui.package_send import pack_shown

    if which == "pack":
        pack_shown(window)
    else:
        open_package(window)


def build_menus(window: MainWindow) -> dict[str, QAction]:
    """File, Edit, View, Tools and Help; returns the actions by name (Find shares them)."""
    bar = window.menuBar()
    table: list[tuple[str, list[tuple[str, str, Key, Callable[[], object], str]]]] = [
        (
            "&File",
            [
                (
                    "new_assessment",
                    "&New assessment…",
                    Std.New,
                    lambda: _new_assessment(window),
                    "Start a DPIA, EIA, accessibility or environmental assessment",
                ),
                (
                    "new_store",
                    "New &store…",
                    "Ctrl+Shift+N",
                    lambda: window.choose_store("new"),
                    "Create a new, empty store",
                ),
                (
                    "open_store",
                    "&Open store…",
                    Std.Open,
                    lambda: window.choose_store("open"),
                    "Open a store file you already have",
                ),
                (
                    "open_demo",
                    "Open the &demo programme",
                    None,
                    lambda: window.choose_store("demo"),
                    "Open the Command and Control replacement demo",
                ),
                (
                    "preview_report",
                    "Preview &report…",
                    "Ctrl+Shift+P",
                    window.preview_report,
                    "The report of the assessment shown, as it will be exported",
                ),
                (
                    "export_report",
                    "E&xport report…",
                    "Ctrl+Shift+E",
                    window.export_report,
                    "The report of the assessment shown as PDF (signed or not), HTML or JSON",
                ),
                (
                    "verify_pdf",
                    "&Verify a signed PDF…",
                    "Ctrl+Shift+V",
                    lambda: _verify_pdf(window),
                    "Check each signature in a signed PDF and whether it changed",
                ),
                (
                    "pack",
                    "Send for review (&pack)…",
                    "Ctrl+Shift+R",
                    lambda: _packages(window, "pack"),
                    "Write the assessment shown to a signed review package for a reviewer",
                ),
                (
                    "open_package",
                    "Open review pac&kage…",
                    "Ctrl+Shift+O",
                    lambda: _packages(window, "open"),
                    "Check a review package, see what it changes, and merge it",
                ),
                ("quit", "&Quit", Std.Quit, window.close, "Close ccassure"),
            ],
        ),
        (
            "&Edit",
            [
                (
                    "find",
                    "&Find…",
                    Std.Find,
                    window.show_find,
                    "Find in titles, answers, comments and issues",
                ),
            ],
        ),
        (
            "&View",
            [
                ("dashboard", "&Dashboard", "Ctrl+1", window.show_dashboard, "Show the dashboard"),
                (
                    "all_actions",
                    "All &actions",
                    "Ctrl+2",
                    window.open_all_actions,
                    "Every action of the programme, to filter and sort",
                ),
                ("refresh", "&Refresh", Std.Refresh, window.refresh, "Read the store again"),
                (
                    "next_pane",
                    "&Next pane",
                    "F6",
                    lambda: window.cycle_pane(1),
                    "Move between the navigation and the main area",
                ),
                (
                    "previous_pane",
                    "&Previous pane",
                    "Shift+F6",
                    lambda: window.cycle_pane(-1),
                    "Move between the navigation and the main area",
                ),
                (
                    "larger",
                    "&Larger text",
                    Std.ZoomIn,
                    lambda: window.step_text(1),
                    "Make text larger",
                ),
                (
                    "smaller",
                    "&Smaller text",
                    Std.ZoomOut,
                    lambda: window.step_text(-1),
                    "Make text smaller",
                ),
                (
                    "reset_text",
                    "&Normal text size",
                    "Ctrl+0",
                    lambda: window.apply_text_size(100),
                    "Return text to its normal size",
                ),
            ],
        ),
        (
            "&Tools",
            [
                (
                    "templates",
                    "&Templates…",
                    None,
                    window.show_templates,
                    "Copy, edit and save your own checklist templates",
                ),
                (
                    "governance",
                    "&Governance summary…",
                    None,
                    window.show_governance,
                    "Equality, privacy and environmental comments for a board paper",
                ),
                (
                    "identities",
                    "&Identities…",
                    "Ctrl+Shift+K",
                    lambda: _identities(window),
                    "Your signing identities and the signers you trust",
                ),
                (
                    "backups",
                    "&Backups…",
                    "Ctrl+Shift+B",
                    lambda: _backups(window),
                    "Automatic backups of the store, Back up now, and Restore from a backup",
                ),
            ],
        ),
        (
            "&Help",
            [
                (
                    "log",
                    "Where is the &log file?",
                    None,
                    lambda: window.say(f"The log file is {window.log_path}"),
                    "Say where the log file is",
                ),
            ],
        ),
    ]
    actions: dict[str, QAction] = {}
    for title, entries in table:
        menu = bar.addMenu(title)
        for key, text, shortcut, slot, tip in entries:
            actions[key] = _add(window, menu, text, shortcut, slot, tip)
        if title == "&View":
            menu.addSeparator()
            schemes = menu.addMenu("&Colour scheme")
            group = QActionGroup(window)
            for scheme, label in SCHEMES:
                action = _add(
                    window,
                    schemes,
                    label,
                    None,
                    partial(window.set_scheme, scheme),
                    f"Use the {scheme} colour scheme",
                )
                action.setCheckable(True)
                action.setChecked(scheme == window.settings.colour_scheme)
                group.addAction(action)
                actions[f"scheme_{scheme}"] = action
            menu.addSeparator()
            menu.addAction(window.dock.toggleViewAction())
    return actions
