"""Installs the .deb on this machine, runs the installed app as an ordinary user, uninstalls.

Needs root (apt-get). Checks: the package installs with apt-get and its dependencies; the
desktop entry validates; the installed `ccassure` passes the smoke test (self-test, signed PDF
read by poppler, a window on Xvfb) run as an unprivileged user; it reaches the Secret Service
keyring under a D-Bus session; running it writes nothing into /opt/ccassure; uninstalling
removes every installed file and leaves the user's data byte for byte as it was.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
INSTALL_DIR = Path("/opt/ccassure")
DESKTOP = Path("/usr/share/applications/uk.police.ccassure.desktop")
USER = "nobody"


def run(*command: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(
            f"check: `{' '.join(command)}` exited {done.returncode}\n{done.stdout}{done.stderr}"
        )
    return done.stdout


def as_user(home: Path, *command: str) -> list[str]:
    """The command as an unprivileged user with its own home (and runtime folder)."""
    return [
        "runuser",
        "-u",
        USER,
        "--",
        "env",
        f"HOME={home}",
        f"XDG_RUNTIME_DIR={home / 'run'}",
        f"PATH={os.environ['PATH']}",
        *command,
    ]


def user_home(parent: Path) -> Path:
    home = parent / "home"
    (home / "run").mkdir(parents=True)
    (home / "run").chmod(0o700)
    shutil.chown(home, USER)
    shutil.chown(home / "run", USER)
    return home


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def install(deb: Path) -> list[str]:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run("apt-get", "install", "-y", "-q", str(deb.resolve()), env=env)
    files = run("dpkg", "-L", "ccassure").split()
    print(
        f"ok   installed with apt-get: {len(files)} paths, version "
        f"{run('dpkg-query', '-W', '-f=${Version}', 'ccassure')}"
    )
    run("desktop-file-validate", str(DESKTOP))
    print(f"ok   desktop-file-validate accepts {DESKTOP}")
    return files


def check_keyring(home: Path) -> None:
    """The frozen keyring finds gnome-keyring's Secret Service (entry points survive freezing)."""
    if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
        print("note: dbus-run-session or gnome-keyring missing; keyring not checked")
        return
    script = (
        "echo -n test-password | gnome-keyring-daemon --unlock --components=secrets "
        ">/dev/null && exec ccassure self-test"
    )
    out = run(*as_user(home, "dbus-run-session", "--", "sh", "-c", script))
    line = next(x for x in out.splitlines() if "keyring backend" in x)
    if "SecretService" not in line or "(usable)" not in line:
        raise SystemExit(f"check: the installed app does not reach the Secret Service: {line}")
    print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("deb", type=Path)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("check: run as root (it installs and removes the package)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ccassure-deb-") as folder:
        Path(folder).chmod(0o755)
        home = user_home(Path(folder))
        installed = install(args.deb)
        before = {str(p) for p in INSTALL_DIR.rglob("*")}
        # The system's Python: the build's may live where the user cannot read (/root).
        python = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
        smoke = [python, str(HERE.parent / "smoke.py"), "ccassure", "--root", str(INSTALL_DIR)]
        print(run(*as_user(home, *smoke)), end="")
        check_keyring(home)
        run(*as_user(home, "ccassure", "demo"))
        data = home / ".local/share/ccassure"
        kept = snapshot(data)
        added = {str(p) for p in INSTALL_DIR.rglob("*")} - before
        if added:
            raise SystemExit(f"check: running the app wrote into {INSTALL_DIR}: {sorted(added)}")
        print(f"ok   nothing written into {INSTALL_DIR}; user data: {len(kept)} files in {data}")
        run(
            "apt-get",
            "remove",
            "-y",
            "-q",
            "ccassure",
            env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
        )
        left = [p for p in installed if Path(p).is_file() or Path(p).is_symlink()]
        if left or INSTALL_DIR.exists():
            raise SystemExit(f"check: left after removal: {left[:5]} {INSTALL_DIR.exists()}")
        if snapshot(data) != kept:
            raise SystemExit("check: removing the package changed the user's data")
        print("ok   apt-get remove: program, desktop entry, icons gone; user data unchanged")
    print("package check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
