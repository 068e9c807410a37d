"""Prometheus metrics in the text exposition format (version 0.0.4), without a client library.

Request counters and latency histograms live in this web process's memory: every gunicorn worker
process keeps its own, so a scrape reads the process that answered it. Prometheus sums them
correctly over time only per process; point it at each `dianpu serve` port and sum by route in
the queries (docs/grafana-dashboard.json does). Business figures (orders, payments, queue depth,
job failures, last backup) are read from the database and the queue at scrape time, shared by all.
"""

import threading
from collections import defaultdict

BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_lock = threading.Lock()
_requests: dict[tuple[str, str, str], int] = defaultdict(int)  # (route, method, status) -> count
_latency: dict[str, list] = {}  # route -> [bucket counts…, +Inf count, sum]


def observe(route: str, method: str, status: int, seconds: float) -> None:
    with _lock:
        _requests[(route, method, str(status))] += 1
        row = _latency.get(route)
        if row is None:
            row = _latency[route] = [0] * (len(BUCKETS) + 2)
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                row[i] += 1
        row[len(BUCKETS)] += 1
        row[len(BUCKETS) + 1] += seconds


def _label(value) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels) -> str:
    return "{" + ",".join(f'{k}="{_label(v)}"' for k, v in labels.items()) + "}" if labels else ""


def render(figures: list[tuple[str, str, str, list[tuple[dict, float]]]]) -> str:
    """This process's request metrics plus `figures`: (name, type, help, [(labels, value)…])."""
    lines = [
        "# HELP dianpu_http_requests_total Requests answered by this process, by route (URL name) and status.",
        "# TYPE dianpu_http_requests_total counter",
    ]
    with _lock:
        requests = sorted(_requests.items())
        latency = sorted((route, list(row)) for route, row in _latency.items())
    for (route, method, status), count in requests:
        lines.append(f"dianpu_http_requests_total{_labels(route=route, method=method, status=status)} {count}")
    lines += [
        "# HELP dianpu_http_request_duration_seconds Time to answer, by route (URL name).",
        "# TYPE dianpu_http_request_duration_seconds histogram",
    ]
    for route, row in latency:
        for i, bound in enumerate(BUCKETS):
            lines.append(f"dianpu_http_request_duration_seconds_bucket{_labels(route=route, le=bound)} {row[i]}")
        lines.append(
            f"dianpu_http_request_duration_seconds_bucket{_labels(route=route, le='+Inf')} {row[len(BUCKETS)]}"
        )
        lines.append(f"dianpu_http_request_duration_seconds_sum{_labels(route=route)} {row[-1]:.6f}")
        lines.append(f"dianpu_http_request_duration_seconds_count{_labels(route=route)} {row[len(BUCKETS)]}")
    for name, kind, help_text, samples in figures:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        for labels, value in samples:
            lines.append(f"{name}{_labels(**labels)} {value}")
    return "\n".join(lines) + "\n"


def reset() -> None:
    """Forget this process's request metrics (tests)."""
    with _lock:
        _requests.clear()
        _latency.clear()
