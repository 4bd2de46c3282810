"""The frozen app does not hand its Qt plug-in path to the programs it starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from ccassure.ui.app import forget_bundle_environment
from tests.conftest import ROOT

CHILD = """
import os, subprocess, sys
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
from ccassure.ui.app import forget_bundle_environment

app = QApplication([])  # reads QT_PLUGIN_PATH, as the frozen build's start-up arranges
forget_bundle_environment(os.environ, frozen=True)
kept = sys.argv[1] in QCoreApplication.libraryPaths()
child = subprocess.run(["env"], capture_output=True, text=True).stdout
print(kept, "QT_PLUGIN_PATH=" in child, "QML2_IMPORT_PATH=" in child)
"""


def test_qt_keeps_the_plugin_path_and_started_programs_do_not_get_it(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    env = {
        **os.environ,
        "QT_PLUGIN_PATH": str(plugins),
        "QML2_IMPORT_PATH": str(tmp_path),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(plugins)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "False"]


def test_nothing_changes_outside_a_frozen_build(qapp: QApplication) -> None:
    environ = {"QT_PLUGIN_PATH": "/somewhere"}
    forget_bundle_environment(environ, frozen=False)
    assert environ == {"QT_PLUGIN_PATH": "/somewhere"}
