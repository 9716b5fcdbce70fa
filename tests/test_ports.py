"""The preview port probe: a port in use is named with a free one beside it; a free one passes."""

from __future__ import annotations

import socket

from generator.site import ports


def test_a_taken_port_is_named_with_a_free_one_to_use_instead():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        port_shown, instead = ports.busy(f"127.0.0.1:{port}")
        assert port_shown == port
        host, spare = instead.split(":")
        assert host == "127.0.0.1" and int(spare) > port and ports.bindable("127.0.0.1", int(spare))
    assert ports.busy(f"127.0.0.1:{port}") is None  # free again once closed


def test_a_malformed_address_is_left_to_mkdocs():
    assert ports.busy("localhost") is None and ports.busy("127.0.0.1:http") is None
