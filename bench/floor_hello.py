"""The least a WSGI app can do: ``bench/service_load.py --floor`` serves it under gunicorn.

Run with the service's own gunicorn config (``-c python:tellers.service.gunicorn_conf``: the
same workers, threads, logger and access log), so the requests per second it reaches are
what gunicorn, the kernel's loopback and the driver cost on this machine before any Django.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

_BODY = b"hello"
_HEADERS = [("Content-Type", "text/plain"), ("Content-Length", str(len(_BODY)))]


def application(
    environ: dict[str, Any],  # noqa: ARG001 (WSGI's signature; every request gets one answer)
    start_response: Callable[[str, list[tuple[str, str]]], Any],
) -> Iterable[bytes]:
    """Answer every request with 200 and five bytes."""
    start_response("200 OK", _HEADERS)
    return [_BODY]
