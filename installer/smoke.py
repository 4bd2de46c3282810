"""Smoke test of a frozen or installed ccassure: version, self-test, signed PDF, window."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GUI_TIMEOUT_S = 180


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> str:
    shown = " ".join(command)
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"smoke: `{shown}` exited {done.returncode}\n{done.stdout}{done.stderr}")
    return done.stdout


def _clean_env(home: Path) -> dict[str, str]:
    """No Python or Qt settings from the build machine leak into the frozen program."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_", "VIRTUAL"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), LC_ALL="C.UTF-8")
    env.pop("CCASSURE_STORE", None)
    return env


def check_self_test(exe: str, root: Path, work: Path, env: dict[str, str]) -> Path:
    out = _run([exe, "self-test", "--data-dir", str(work)], work, env, 600)
    print(out, end="")
    if "self-test passed" not in out:
        raise SystemExit("smoke: self-test did not pass")
    found = re.search(r"^ok   resources: .* under (\S+)", out, re.MULTILINE)
    if not found or not Path(found.group(1)).resolve().is_relative_to(root):
        raise SystemExit(f"smoke: resources are not read from inside {root}")
    folder = re.search(r"^ok   work folder: (\S+)", out, re.MULTILINE)
    assert folder is not None
    return Path(folder.group(1)) / "self-test.pdf"


QT_MODULES = ["QtCore", "QtGui", "QtWidgets"]


def check_qt_modules(root: Path) -> None:
    """Only the Qt modules the app imports are bundled (PySide6-Essentials, no add-ons)."""
    found = sorted(p.name.split(".")[0] for p in (root / "_internal" / "PySide6").glob("Qt*.so"))
    if found != QT_MODULES:
        raise SystemExit(f"smoke: bundled Qt modules are {found}, expected {QT_MODULES}")
    print(f"ok   Qt modules bundled: {', '.join(found)}")


def check_pdf(pdf: Path, env: dict[str, str]) -> None:
    """The frozen build's signed report, read by poppler rather than by the program itself."""
    if not shutil.which("pdfsig"):
        print("smoke: pdfsig not installed; the signed PDF was checked by the program only")
        return
    out = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True, env=env).stdout
    if "Signature is Valid" not in out:
        raise SystemExit(f"smoke: pdfsig does not find a valid signature in {pdf}\n{out}")
    print(f"ok   pdfsig: {pdf.name} carries a valid signature")


def check_window(exe: str, work: Path, env: dict[str, str]) -> None:
    """Open the app on the demo programme; it records first paint and dashboard, then quits."""
    marks = work / "window-marks.txt"
    env = dict(env, CCASSURE_BENCH_FILE=str(marks))
    command = [exe, "--data-dir", str(work / "gui"), "gui", "--demo"]
    if shutil.which("xvfb-run"):
        command = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", *command]
        where = "X11 (Xvfb)"
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
        where = "offscreen"
    started = time.time()
    done = subprocess.run(
        command,
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=GUI_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0 or not marks.is_file():
        raise SystemExit(f"smoke: the window did not open ({done.returncode})\n{done.stderr}")
    paint, dashboard = (float(x) for x in marks.read_text().split())
    print(
        f"ok   window on {where}: painted after {paint - started:.1f} s, "
        f"demo dashboard after {dashboard - started:.1f} s"
    )
    noisy = [line for line in done.stderr.splitlines() if "qt." in line or "Error" in line]
    if noisy:
        raise SystemExit("smoke: Qt complained:\n" + "\n".join(noisy))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("exe", help="the frozen or installed ccassure executable")
    parser.add_argument(
        "--root",
        type=Path,
        help="where resources must come from (default: the folder the executable really lives in)",
    )
    parser.add_argument("--no-window", action="store_true", help="skip the window check")
    args = parser.parse_args()
    exe = str(Path(shutil.which(args.exe) or args.exe).absolute())
    root = (args.root or Path(exe).resolve().parent).resolve()
    with tempfile.TemporaryDirectory(prefix="ccassure-smoke-") as folder:
        work = Path(folder)
        env = _clean_env(work)
        print(_run([exe, "--version"], work, env, 60), end="")
        check_qt_modules(root)
        check_pdf(check_self_test(exe, root, work, env), env)
        if not args.no_window:
            check_window(exe, work, env)
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
