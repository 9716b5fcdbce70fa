"""Whether the preview's port is free, probed before a build so a busy one is named at once, with a free one.

MkDocs would find out only after the whole first build, and say it in English.
"""

from __future__ import annotations

import socket


def bindable(host: str, port: int) -> bool:
    """Whether a server could listen there now (as MkDocs' does: address reuse on)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError:
        return False
    return True


def busy(dev_addr: str) -> tuple[int, str] | None:
    """``(port, an address to use instead)`` when ``dev_addr``'s port is taken; None when it is free.

    A malformed address is not judged here: MkDocs reports it.
    """
    host, _, port_text = dev_addr.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port_text.isdigit() or bindable(host, int(port_text)):
        return None
    port = int(port_text)
    spare = next((p for p in range(port + 1, min(port + 100, 65536)) if bindable(host, p)), port + 1)
    shown = f"[{host}]" if ":" in host else host
    return port, f"{shown}:{spare}"
