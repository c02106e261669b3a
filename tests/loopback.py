"""Real servers on loopback for the tests and drills: an SMTP server and a webhook receiver."""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef01234567").decode()


@dataclass
class Mailbox:
    """What an SMTP server on loopback received, and the recipients it refuses."""

    refuse: dict[str, str] = field(default_factory=dict)  # address → SMTP reply
    received: list[tuple[str, bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            for address in envelope.rcpt_tos:
                self.received.append((address, envelope.content))
        return "250 Message accepted for delivery"

    def count(self) -> Counter[str]:
        with self.lock:
            return Counter(address for address, _ in self.received)


@contextmanager
def smtp_server(mailbox: Mailbox) -> Iterator[int]:
    """Run aiosmtpd on a free loopback port; yield the port."""
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


class Receiver:
    """A webhook receiver on loopback that answers each request after ``delay`` seconds."""

    def __init__(self, *, status: int = 204, delay: float = 0.0) -> None:
        self.status, self.delay = status, delay
        self.ids: list[str] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.ids.append(self.headers["webhook-id"])
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def count(self) -> Counter[str]:
        with self.lock:
            return Counter(self.ids)
