"""Binaries the Linux one-folder build carries, and those it leaves to the distribution."""

from __future__ import annotations

from pathlib import Path

SYSTEM_LIBRARY_DIRS = (Path("/lib"), Path("/lib64"), Path("/usr/lib"), Path("/usr/lib64"))


def is_python_runtime(dest: str, kind: str) -> bool:
    """Python's own shared library and extension modules: the frozen program cannot start or
    import without them, even when they come from the distribution's Python (Debian's
    libpython3.11.so and lib-dynload live under /usr/lib)."""
    return kind == "EXTENSION" or Path(dest).name.startswith("libpython")


def is_bundled(entry: tuple[str, str, str]) -> bool:
    """On Linux the .deb depends on the distribution's libraries (X11, fontconfig, D-Bus,
    GLib, OpenSSL...) rather than carrying stale copies: they get security updates."""
    dest, src, kind = entry
    if kind == "SYMLINK" or is_python_runtime(dest, kind):
        return True
    real = Path(src).resolve()
    return not any(real.is_relative_to(folder) for folder in SYSTEM_LIBRARY_DIRS)
