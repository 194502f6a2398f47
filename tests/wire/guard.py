"""No network in the test process: any socket connect or name lookup past loopback is stopped.

The brokers' clients must only ever reach the capture server. The guard wraps
socket.socket.connect / connect_ex, socket.create_connection and socket.getaddrinfo; a
blocked attempt raises NetworkBlocked (a BaseException, so that no client's `except
Exception` can swallow it: dhanhq's DhanHTTP._send_request catches every Exception) and is
recorded, and the `no_network` fixture fails the test at teardown if anything was blocked.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class NetworkBlocked(BaseException):
    """A test tried to reach past 127.0.0.1 / ::1."""


def is_loopback(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%", 1)[0].lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _allowed(family, address) -> bool:
    if family == getattr(socket, "AF_UNIX", None) or isinstance(address, (str, bytes)):
        return True  # a Unix socket path: never the network
    return isinstance(address, tuple) and bool(address) and is_loopback(address[0])


class NetworkGuard:
    """Installs the wrappers (through monkeypatch, so they are undone) and keeps what it blocked."""

    def __init__(self):
        self.blocked: list[str] = []

    def _block(self, what: str):
        self.blocked.append(what)
        raise NetworkBlocked(f"network blocked in tests: {what} (only 127.0.0.1 and ::1 may be reached)")

    def fail_if_blocked(self) -> None:
        if self.blocked:
            pytest.fail("the test tried to reach the network:\n  " + "\n  ".join(self.blocked), pytrace=False)

    def install(self, monkeypatch) -> "NetworkGuard":
        guard = self
        connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
        create_connection, getaddrinfo = socket.create_connection, socket.getaddrinfo

        def guarded_connect(sock, address):
            if not _allowed(sock.family, address):
                guard._block(f"connect to {address!r}")
            return connect(sock, address)

        def guarded_connect_ex(sock, address):
            if not _allowed(sock.family, address):
                guard._block(f"connect_ex to {address!r}")
            return connect_ex(sock, address)

        def guarded_create_connection(address, *args, **kwargs):
            if not _allowed(None, address):
                guard._block(f"create_connection to {address!r}")
            return create_connection(address, *args, **kwargs)

        def guarded_getaddrinfo(host, *args, **kwargs):
            if host is not None and not is_loopback(host):
                guard._block(f"name lookup of {host!r}")
            return getaddrinfo(host, *args, **kwargs)

        monkeypatch.setattr(socket.socket, "connect", guarded_connect)
        monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
        monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
        monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
        return self


@pytest.fixture
def no_network(monkeypatch):
    """Block the network for one test; fail it if anything in it tried to go past loopback."""
    guard = NetworkGuard().install(monkeypatch)
    yield guard
    guard.fail_if_blocked()
