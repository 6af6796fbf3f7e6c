"""`disclosure-stats ingest`: parse report files and post them to a running service.

Each file is parsed locally, its body resolved to a jurisdiction (a given code, or its
printed name under `--within`, refusing ambiguous names), and the drafts are posted in
batches. The summary says what was ingested, unchanged and rejected, and why.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from tqdm import tqdm

from app import parsing
from app.parsing.draft import Draft
from app.parsing.meta import DIVISION
from app.schemas.common import as_number

SUFFIXES = ("人民政府办公室", "人民政府办公厅", "人民政府", "政府")
TEXT_SUFFIXES = {".txt": "text/plain", ".htm": "text/html", ".html": "text/html"}


@dataclass
class Summary:
    statuses: Counter[str] = field(default_factory=Counter)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0

    @property
    def failed(self) -> bool:
        return bool(self.rejected)

    def lines(self) -> list[str]:
        out = [
            f"ingested: {self.statuses['created'] + self.statuses['revised']} "
            f"(created {self.statuses['created']}, revised {self.statuses['revised']}), "
            f"unchanged: {self.statuses['unchanged']}, rejected: {len(self.rejected)}",
            f"findings: {self.errors} error(s), {self.warnings} warning(s)",
        ]
        out += [f"rejected {name}: {reason}" for name, reason in self.rejected]
        return out


def report_files(paths: Sequence[str]) -> list[Path]:
    """The files named, and the report files inside the directories named, sorted."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in TEXT_SUFFIXES)
        else:
            found.append(path)
    return found


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and media type; GB18030 (a superset of GBK) when not UTF-8."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return text, TEXT_SUFFIXES.get(path.suffix.lower(), "text/plain")


def parse_file(path: Path) -> Draft:
    text, kind = read_text(path)
    return parsing.parse(text, kind)


def draft_json(draft: Draft, path: Path) -> dict[str, Any]:
    """A draft as `disclosure-stats parse` prints it."""
    body = draft.report_body("")
    body["jurisdiction"] = None
    return {
        "file": str(path),
        "body_name": draft.body_name,
        "parser_version": parsing.PARSER_VERSION,
        "report": json.loads(json.dumps(body, default=as_number)),
        "warnings": [{"code": w.code, "message": w.message} for w in draft.warnings],
    }


def plain_name(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class Resolver:
    """Printed body names to codes among the bodies under one jurisdiction."""

    def __init__(self, bodies: Iterable[dict[str, Any]]) -> None:
        self.by_name: dict[str, list[str]] = {}
        for body in bodies:
            for name in {body["name"], plain_name(body["name"])}:
                self.by_name.setdefault(name, []).append(body["code"])

    def resolve(self, printed: str | None) -> tuple[str | None, str | None]:
        """(code, None), or (None, the reason it cannot be resolved).

        A name printed with the divisions above it ("武江区龙归镇人民政府", where the registry
        has "龙归镇") is tried without them, one division at a time, when it is not known
        as printed."""
        if not printed:
            return None, "the report names no body"
        for shorter in without_divisions(printed):
            for name in dict.fromkeys([shorter, plain_name(shorter)]):
                codes = sorted(set(self.by_name.get(name, [])))
                if len(codes) == 1:
                    return codes[0], None
                if len(codes) > 1:
                    return None, f"{printed!r} is ambiguous: {', '.join(codes)}"
        return None, f"no body named {printed!r} under the given jurisdiction"


_DIVISION = re.compile(f"^{DIVISION}")


def without_divisions(name: str) -> list[str]:
    """The name, then the name without each leading division in turn."""
    names = [name]
    while match := _DIVISION.match(names[-1]):
        rest = names[-1][match.end() :]
        if len(rest) < 2 or rest in SUFFIXES:  # "集安市人民政府" is the city's own name
            break
        names.append(rest)
    return names


def subtree(client: httpx.Client, within: str) -> Iterator[dict[str, Any]]:
    url: str | None = f"/v1/jurisdictions?within={within}&limit=1000"
    while url:
        response = client.get(url)
        response.raise_for_status()
        page = response.json()
        yield from page["items"]
        url = page["next"]


def post_batches(
    client: httpx.Client,
    ready: list[tuple[str, dict[str, Any]]],
    summary: Summary,
    batch_size: int,
) -> None:
    with tqdm(total=len(ready), unit="report", file=sys.stderr, disable=None) as progress:
        for start in range(0, len(ready), batch_size):
            batch = ready[start : start + batch_size]
            response = client.post(
                "/v1/reports/batch",
                content=json.dumps([body for _, body in batch], default=as_number),
                headers={"Content-Type": "application/json"},
            )
            if response.status_code != 200:
                reason = response.json().get("detail", response.text[:200])
                summary.rejected += [(name, reason) for name, _ in batch]
            else:
                for (name, _), item in zip(batch, response.json()["items"], strict=True):
                    _count(summary, name, item)
            progress.update(len(batch))


def _count(summary: Summary, name: str, item: dict[str, Any]) -> None:
    summary.statuses[item["status"]] += 1
    if item["status"] == "rejected":
        problem = item["problem"] or {}
        details = "; ".join(f"{e['pointer']}: {e['detail']}" for e in problem.get("errors", []))
        summary.rejected.append((name, details or problem.get("detail", "rejected")))
    summary.errors += item.get("errors") or 0
    summary.warnings += item.get("warnings") or 0


def connect(server: str, key: str) -> httpx.Client:
    return httpx.Client(base_url=server, headers={"Authorization": f"Bearer {key}"}, timeout=120)


def ingest(
    http: httpx.Client,
    paths: Sequence[str],
    jurisdiction: str | None,
    within: str | None,
    batch_size: int = 200,
) -> Summary:
    """Parse, resolve and post every report file; the summary of what happened."""
    summary = Summary()
    resolver = Resolver(subtree(http, within)) if within else None
    ready: list[tuple[str, dict[str, Any]]] = []
    for path in report_files(paths):
        try:
            draft = parse_file(path)
        except (OSError, UnicodeDecodeError, parsing.NotAReport) as error:
            summary.rejected.append((str(path), f"not parsed: {error}"))
            continue
        code: str | None
        reason: str | None
        if jurisdiction:
            code, reason = jurisdiction, None
        else:
            assert resolver is not None
            code, reason = resolver.resolve(draft.body_name)
        if code is None:
            summary.rejected.append((str(path), reason or "no jurisdiction"))
            continue
        body = draft.report_body(code)
        body["parser_version"] = parsing.PARSER_VERSION
        ready.append((str(path), body))
    post_batches(http, ready, summary, batch_size)
    return summary
