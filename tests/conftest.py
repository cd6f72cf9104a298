"""Test-wide guards: no test may reach the network."""

from __future__ import annotations

import socket

import pytest


class NetworkBlocked(RuntimeError):
    pass


def _refuse(*args, **kwargs):
    raise NetworkBlocked("tests must not touch the network")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Every test runs with outbound connections and name lookups refused."""
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
