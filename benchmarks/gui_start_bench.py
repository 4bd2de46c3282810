"""Desktop start-up benchmark: time to first paint and to the populated dashboard.

Builds a `demo --scale N` store with the command line in a temporary folder, then starts
`ccassure --store S gui` --repeat times with CCASSURE_BENCH_FILE set: the app writes
"<first_paint_epoch> <dashboard_epoch>" to that file and quits. Each figure is seconds from
just before the process is started, the median of the runs. The floor, measured in the same
run on the same machine, is a `python -c` script that shows an empty QMainWindow and notes
its first paint.

Prints one JSON object.

    python benchmarks/gui_start_bench.py [--issues 100000] [--repeat 5] [--platform offscreen]
        [--exe build/dist/ccassure/ccassure]     # the frozen build (installer/) instead

Under X: Xvfb :55 -screen 0 1366x768x24 &  DISPLAY=:55 python ... --platform xcb
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIMEOUT_S = 300
FLOOR = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("floor")
window.resize(1280, 800)

class FirstPaint(QObject):
    done = False

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            QTimer.singleShot(0, mark)
        return False

def mark():
    Path(sys.argv[1]).write_text(f"{time.time()}\\n")
    app.quit()

painter = FirstPaint()
window.installEventFilter(painter)
window.show()
sys.exit(app.exec())
"""


def environment(platform: str, bench_file: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": platform}
    env.pop("CCASSURE_STORE", None)
    env.pop("CCASSURE_BENCH_FILE", None)
    if bench_file is not None:
        env["CCASSURE_BENCH_FILE"] = str(bench_file)
    return env


def ccassure(store: Path, data_dir: Path, *args: str, exe: str | None = None) -> list[str]:
    program = [exe] if exe else [sys.executable, "-m", "ccassure.cli"]
    return [
        *program,
        "--store",
        str(store),
        "--data-dir",
        str(data_dir),
        *args,
    ]


def run_marked(command: list[str], env: dict[str, str], marks: Path) -> list[float]:
    """Start a process, wait for it to quit, and return its marks less the start time."""
    marks.unlink(missing_ok=True)
    started = time.time()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        _, errors = process.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
        raise SystemExit(f"timed out after {TIMEOUT_S}s: {' '.join(command)}\n{errors}") from None
    if process.returncode != 0 or not marks.exists():
        raise SystemExit(f"no marks (exit {process.returncode}) from {' '.join(command)}\n{errors}")
    return [float(value) - started for value in marks.read_text().split()]


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--platform",
        default=os.environ.get("QT_QPA_PLATFORM") or "offscreen",
        help="Qt platform plugin (default: $QT_QPA_PLATFORM, else offscreen; xcb under X)",
    )
    parser.add_argument("--exe", help="a frozen or installed ccassure to start instead")
    args = parser.parse_args()
    exe = str(Path(args.exe).absolute()) if args.exe else None
    with tempfile.TemporaryDirectory(prefix="ccassure-gui-bench-") as folder:
        base = Path(folder)
        store, data_dir, marks = base / "demo.db", base / "data", base / "marks.txt"
        subprocess.run(
            ccassure(store, data_dir, "demo", "--scale", str(args.issues), exe=exe),
            check=True,
            capture_output=True,
            env=environment(args.platform),
        )
        paints, dashboards, floors = [], [], []
        for _ in range(args.repeat):
            paint, dashboard = run_marked(
                ccassure(store, data_dir, "gui", exe=exe),
                environment(args.platform, marks),
                marks,
            )
            paints.append(paint)
            dashboards.append(dashboard)
            (floor,) = run_marked(
                [sys.executable, "-c", FLOOR, str(marks)], environment(args.platform), marks
            )
            floors.append(floor)
        result: dict[str, object] = {
            "first_paint_s": median(paints),
            "dashboard_s": median(dashboards),
            "floor_first_paint_s": median(floors),
        }
        floor_s = statistics.median(floors)
        result["first_paint_vs_floor"] = round(statistics.median(paints) / floor_s, 2)
        result["dashboard_vs_floor"] = round(statistics.median(dashboards) / floor_s, 2)
        result["issues"] = args.issues
        result["platform"] = args.platform
        result["program"] = exe or "python -m ccassure.cli"
        result["repeat"] = args.repeat
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
