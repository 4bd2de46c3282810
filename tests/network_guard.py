"""Fails any attempt to reach the network: installed in the test process and every CLI child."""

from __future__ import annotations

import socket
import sys
from typing import Any

NETWORK_FAMILIES = (socket.AF_INET, socket.AF_INET6)
LOOKUPS = ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex")
seen: list[str] = []


class NetworkUsedError(RuntimeError):
    """Code under test tried to open a network connection or look up a host name."""


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event in ("socket.connect", "socket.bind", "socket.sendto"):
        if getattr(args[0], "family", None) in NETWORK_FAMILIES:
            _refuse(f"{event} to {args[1]!r}")
    elif event in LOOKUPS or event == "socket.gethostbyaddr":
        _refuse(f"{event} of {args[0]!r}")


def _refuse(what: str) -> None:
    seen.append(what)
    print(f"network_guard: refused {what}", file=sys.stderr)
    raise NetworkUsedError(f"the network was used: {what}")


def install() -> None:
    """Audit hooks cannot be removed: install once per process."""
    if not getattr(sys, "_ccassure_network_guard", False):
        sys.addaudithook(_hook)
        sys._ccassure_network_guard = True  # type: ignore[attr-defined]


if __name__ == "__main__":  # python -m tests.network_guard ARGS: the CLI under the guard
    install()
    from ccassure.cli import main

    sys.exit(main(sys.argv[1:]))
