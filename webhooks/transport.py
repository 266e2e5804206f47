"""One POST to a webhook receiver, bounded in every way: it connects only to an address
`urls_policy` allowed (the one it checked, with the URL's host name for TLS and the Host header),
never follows a redirect, gives up after OASIS_WEBHOOK_TIMEOUT_SECONDS in total (connecting,
waiting and reading: a slow receiver holds a worker no longer), and reads at most
OASIS_WEBHOOK_MAX_RESPONSE_BYTES of the answer."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

from .urls_policy import TargetRefused, resolve


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    latency_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    started = time.monotonic()
    timeout = settings.OASIS_WEBHOOK_TIMEOUT_SECONDS
    deadline = started + timeout

    def elapsed_ms() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        address = resolve(url)[0]
    except TargetRefused as error:
        return Outcome(None, elapsed_ms(), f"refused: {error}")
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    pool_timeout = urllib3.Timeout(connect=timeout, read=timeout)
    if parts.scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=pool_timeout,
            retries=False,
            maxsize=1,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
            cert_reqs="CERT_REQUIRED",
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=pool_timeout, retries=False, maxsize=1)
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers={**headers, "Host": host_header, "Content-Type": "application/json"},
            redirect=False,
            preload_content=False,
            assert_same_host=False,
            release_conn=False,
        )
        try:
            read = 0
            limit = settings.OASIS_WEBHOOK_MAX_RESPONSE_BYTES
            # read1: whatever one receive brings (each bounded by the timeout), so the deadline is
            # checked between receives however slowly the answer trickles in.
            while read <= limit and time.monotonic() <= deadline:
                chunk = response.read1(4096, decode_content=False)
                if not chunk:
                    break
                read += len(chunk)
        finally:
            response.close()  # what is left unread is not waited for
        if time.monotonic() > deadline:
            return Outcome(response.status, elapsed_ms(), "timeout")
        return Outcome(response.status, elapsed_ms())
    except urllib3.exceptions.HTTPError as error:
        timed_out = isinstance(error, urllib3.exceptions.TimeoutError) and not isinstance(
            error,
            urllib3.exceptions.NewConnectionError,  # a refused connection, not a slow one
        )
        kind = "timeout" if timed_out else "connection failed"
        return Outcome(None, elapsed_ms(), f"{kind}: {error}"[:500])
    finally:
        pool.close()
