"""Shared fixtures: real SQLite store files in temporary folders, templates, services."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ccassure.domain.document import ComponentRef, ProgrammeRef
from ccassure.domain.templates import TemplateSet
from ccassure.services.context import Context, build_context, load_template_set
from ccassure.services.paths import AppPaths, builtin_resources
from tests import network_guard

network_guard.install()

# The memory_keyring fixture; a plugin, not an import, so that child scripts importing this
# module do not define (and so register) the in-memory keyring backend.
pytest_plugins = ["tests.keyrings"]

ROOT = Path(__file__).resolve().parent.parent
PROGRAMME = ProgrammeRef(key="cc-replacement", name="Command and Control replacement")
TODAY = date(2026, 11, 26)
CORE = ComponentRef(key="core-cc", name="Core C&C solution", supplier="Leidos")


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths(tmp_path / "data", tmp_path / "store.db")


@pytest.fixture
def templates(paths: AppPaths) -> TemplateSet:
    return load_template_set(paths)


@pytest.fixture
def context(paths: AppPaths) -> Iterator[Context]:
    built = build_context(paths, mode="create", today=lambda: date(2026, 11, 26))
    yield built
    built.close()


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store built once per session by the real command line; copy it before writing."""
    folder = tmp_path_factory.mktemp("demo")
    store = folder / "demo.db"
    run_cli("--store", str(store), "--data-dir", str(folder / "data"), "demo", check=True)
    return store


@pytest.fixture(scope="session")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with 100,000 synthetic issues, built once per session by the real command
    line (`demo --scale 100000`); only read it, or copy it first."""
    folder = tmp_path_factory.mktemp("big")
    store = folder / "big.db"
    run_cli(
        "--store",
        str(store),
        "--data-dir",
        str(folder / "data"),
        "demo",
        "--scale",
        "100000",
        check=True,
    )
    return store


@pytest.fixture
def window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The real main window, offscreen, with the demo programme loaded (dates as of TODAY)."""
    from ccassure.ui.main_window import MainWindow
    from ccassure.ui.settings import AppSettings
    from ccassure.ui.store_choice import demo_opener
    from ccassure.ui.tasks import TaskRunner

    paths = AppPaths(tmp_path / "data", tmp_path / "data" / "ccassure.db")
    built = MainWindow(
        AppSettings(paths.data_dir), TaskRunner(), tmp_path / "log", lambda: TODAY, paths=paths
    )
    qtbot.addWidget(built)
    built.show()
    with qtbot.waitSignal(built.dashboard_shown, timeout=30_000):
        built.open_store(demo_opener(paths), "the demo programme")
    yield built
    built.runner.wait()
    built.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A network attempt swallowed by some handler still fails the run."""
    if network_guard.seen:
        print(f"\nnetwork used during the tests: {network_guard.seen}", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def resources() -> Path:
    return builtin_resources()


def run_cli(*args: str, check: bool = False, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process, as a user or script would."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CCASSURE_STORE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "tests.network_guard", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        **kwargs,  # type: ignore[call-overload]
    )
    if check and result.returncode != 0:
        raise AssertionError(f"ccassure {' '.join(args)} failed: {result.stderr}")
    return result  # type: ignore[no-any-return]


@pytest.fixture(autouse=True, scope="session")
def _collect_on_the_main_thread_only() -> Iterator[None]:
    """As the app does (ui/collector.py): the automatic collector could free Qt objects from a
    task's thread, which crashes; each test's garbage is collected here instead."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test() -> Iterator[None]:
    yield
    gc.collect()


@pytest.fixture
def unwritable_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder that refuses new files (for root, whose permissions nothing refuses: /sys)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    for candidate in (folder, Path("/sys")):
        try:
            handle, probe = tempfile.mkstemp(dir=candidate)
        except PermissionError:
            yield candidate
            folder.chmod(0o755)
            return
        os.close(handle)
        os.unlink(probe)
    folder.chmod(0o755)
    pytest.skip("no folder here refuses new files")
