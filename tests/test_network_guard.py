"""The no-network guard really refuses connections and look-ups, here and in CLI children."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tests import network_guard
from tests.conftest import ROOT


def test_connect_and_lookup_are_refused_in_the_test_process() -> None:
    before = len(network_guard.seen)
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(network_guard.NetworkUsedError),
    ):
        sock.connect(("127.0.0.1", 9))
    with pytest.raises(network_guard.NetworkUsedError):
        socket.getaddrinfo("example.org", 443)
    assert len(network_guard.seen) == before + 2
    del network_guard.seen[before:]  # expected here: not a failure of the run


def test_local_ipc_is_allowed() -> None:
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        left.sendall(b"x")
        assert right.recv(1) == b"x"


def test_the_guard_works_in_a_child_process() -> None:
    code = "import socket; socket.create_connection(('192.0.2.1', 80), timeout=1)"
    result = subprocess.run(
        [sys.executable, "-c", f"from tests import network_guard; network_guard.install(); {code}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode != 0
    assert "network_guard: refused" in result.stderr
