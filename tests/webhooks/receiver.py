"""A real webhook receiver on 127.0.0.1: it verifies each request's Standard Webhooks signature
with the endpoint's secret (the `standardwebhooks` package, as a customer's receiver would) and
keeps what it accepted (answered with 2xx). It can be stopped and started again on the same port (down for a while),
made slow (it holds the request until released) or made to answer with a large body."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    message_id: str
    body: dict
    signature_valid: bool
    headers: dict


class Receiver:
    def __init__(self, secret: str = "", *, port: int = 0):
        self.secret = secret
        self.received: list[Received] = []
        self.status = 204
        self.hold = threading.Event()  # set: answer; clear: slow, hold each request until set
        self.hold.set()
        self.holding = 0  # requests being held right now
        self.answer_bytes = 0  # an answer of this many bytes (streamed)
        self.broken_pipes = 0
        self.lock = threading.Lock()
        self._port = port
        self.server: ThreadingHTTPServer | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}/hooks/oasis"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = dict(self.headers.items())
                try:
                    body = Webhook(receiver.secret).verify(raw, headers)
                    valid = True
                except WebhookVerificationError:
                    body, valid = json.loads(raw), False
                with receiver.lock:
                    receiver.holding += 1
                receiver.hold.wait(120)
                with receiver.lock:
                    receiver.holding -= 1
                    if receiver.hold.is_set() and 200 <= receiver.status < 300:  # accepted
                        receiver.received.append(Received(headers.get("webhook-id", ""), body, valid, headers))
                try:
                    self.send_response(receiver.status)
                    self.send_header("Content-Length", str(receiver.answer_bytes))
                    self.end_headers()
                    sent = 0
                    while sent < receiver.answer_bytes:
                        self.wfile.write(b"x" * 65536)
                        sent += 65536
                except (BrokenPipeError, ConnectionResetError):
                    with receiver.lock:
                        receiver.broken_pipes += 1

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self.server.daemon_threads = True
        self._port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.hold.set()
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def ids(self) -> list[str]:
        return [item.message_id for item in self.received]

    def wait_until_holding(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.holding == 0:
            if time.monotonic() > deadline:
                raise AssertionError("no request reached the receiver")
            time.sleep(0.05)
