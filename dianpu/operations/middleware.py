"""Request timing: each answer counted by route (the resolved URL name, never the raw path) and
status into this process's metrics, and into per-minute aggregates that are flushed to the
database at most every FLUSH_SECONDS (outside any transaction), for the status page."""

import threading
import time
from collections import defaultdict

from django.db import connection

from dianpu.core import clock

from . import metrics

FLUSH_SECONDS = 30
MAX_PENDING_ROUTES = 500  # bound: one process's unflushed (minute, route, class) keys

_lock = threading.Lock()
_pending: dict[tuple, list] = defaultdict(lambda: [0, 0.0, 0.0])  # (minute_ts, route, class) -> [n, total_ms, max_ms]
_last_flush = [time.monotonic()]


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return (match.view_name or match.route or "unmatched")[:120]


def take_pending() -> dict:
    with _lock:
        taken = dict(_pending)
        _pending.clear()
        _last_flush[0] = time.monotonic()
    return taken


class RequestTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        route = route_of(request)
        metrics.observe(route, request.method, response.status_code, seconds)
        key = (int(clock.now().timestamp()) // 60 * 60, route, f"{response.status_code // 100}xx")
        with _lock:
            if key in _pending or len(_pending) < MAX_PENDING_ROUTES:
                row = _pending[key]
                row[0] += 1
                row[1] += seconds * 1000
                row[2] = max(row[2], seconds * 1000)
            due = time.monotonic() - _last_flush[0] >= FLUSH_SECONDS
        if due and not connection.in_atomic_block:
            from .services import flush_request_stats

            try:
                flush_request_stats()
            except Exception:  # the page was answered; figures wait for the next flush
                pass
        return response
