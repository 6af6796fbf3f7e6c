"""Timing loops, percentiles, a per-statement profile of the service, and plain tables."""

from __future__ import annotations

import http.client
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session


def percentile(samples: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * p / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def timed(
    action: Callable[[], Any],
    runs: int,
    warmup: int,
    limit: float | None = None,
    minimum: int = 5,
) -> list[float]:
    """Seconds of each of `runs` calls after `warmup` untimed ones; stops early (after at
    least `minimum` runs) once `limit` seconds have been spent."""
    for _ in range(warmup):
        action()
    samples: list[float] = []
    spent = 0.0
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
        spent += samples[-1]
        if limit is not None and spent > limit and len(samples) >= minimum:
            break
    return samples


class HttpClient:
    """One kept-alive HTTP/1.1 connection (the standard library's http.client).

    The timed requests go through it rather than httpx, whose own work per request was
    0.8 ms of a 1.7 ms round trip to /healthz on this machine (measured): that is the
    client's cost, not the service's, and it would count as the service's overhead."""

    def __init__(self, base: str, timeout: float = 120) -> None:
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port, self.timeout = parsed.hostname or "", parsed.port, timeout
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def get(self, path: str, params: list[tuple[str, str | int]]) -> tuple[int, bytes]:
        target = f"{path}?{urllib.parse.urlencode(params)}"
        try:
            return self._get(target)
        except (http.client.HTTPException, ConnectionError):
            # The server closed an idle connection (uvicorn's keep-alive timeout): reconnect.
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, self.timeout)
            return self._get(target)

    def _get(self, target: str) -> tuple[int, bytes]:
        self.connection.request("GET", target)
        response = self.connection.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.connection.close()


def api_call(
    client: HttpClient, path: str, params: list[tuple[str, str | int]]
) -> Callable[[], bytes]:
    """A timed request: the answer's bytes as received. Decoding the JSON is the client's
    work (0.4 ms for a national 10-metric answer here), as turning rows into Python objects
    is on the SQL side, where the driver does it inside the timed fetch; the answer is
    decoded once, untimed, to check it against the SQL."""

    def call() -> bytes:
        status, body = client.get(path, params)
        if status != 200:
            raise RuntimeError(f"GET {path} {params} answered {status}: {body[:500]!r}")
        return body

    return call


class StatementProfile:
    """Time spent per SQL statement of the service, measured in-process on `engine`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seconds: dict[str, float] = defaultdict(float)
        self.counts: dict[str, int] = defaultdict(int)
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.seconds[statement] += time.perf_counter() - conn.info.pop("bench_started")
        self.counts[statement] += 1

    def run(
        self, service: Callable[[Session], Any], runs: int
    ) -> tuple[list[float], list[tuple[float, int, str]]]:
        """Seconds per call, and the top statements: (ms per call, executions per call, SQL)."""
        with Session(self.engine) as session:
            service(session)  # warm-up
        self.seconds.clear()
        self.counts.clear()
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            with Session(self.engine) as session:
                service(session)
            samples.append(time.perf_counter() - started)
        top = sorted(self.seconds.items(), key=lambda item: -item[1])[:3]
        return samples, [
            (seconds / runs * 1000, self.counts[sql] // runs, " ".join(sql.split()))
            for sql, seconds in top
        ]


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table; numbers right-aligned."""
    text = [[_cell(v) for v in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in text)) if text else len(h) for i, h in enumerate(headers)
    ]
    lines = [
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(headers, widths, strict=True))
        )
    ]
    lines.append("  ".join("-" * w for w in widths))
    for row in text:
        lines.append(
            "  ".join(
                v.ljust(w) if i == 0 else v.rjust(w)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value != value:
            return "-"
        return f"{value:,.2f}"
    return str(value)


def ms(seconds: float) -> float:
    return seconds * 1000
