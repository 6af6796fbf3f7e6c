"""The `disclosure-stats` command: serve, migrate, demo, registry and API keys."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app import client, parsing
from app.config import Settings
from app.db import make_engine, migrate, writer
from app.errors import ProblemError
from app.services import ingest, keys, registry

DEMO_COUNTY = "220582"  # 集安市, 通化市, 吉林省
DEMO_REPORT = "sample_2009_taishang.json"


@contextmanager
def _engine() -> Iterator[Engine]:
    """The configured database's engine, disposed of when the command ends."""
    engine = make_engine(Settings().database_url)
    try:
        yield engine
    finally:
        engine.dispose()


def cmd_migrate(_args: argparse.Namespace, engine: Engine) -> int:
    migrate(engine)
    print(f"database at {engine.url.render_as_string()} is at the latest schema")
    return 0


def _serve(args: argparse.Namespace, engine: Engine) -> int:
    import uvicorn

    from app.main import create_app

    app = create_app(Settings(), engine)
    print(f"serving on http://{args.host}:{args.port} (API docs at /docs)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def cmd_serve(args: argparse.Namespace, engine: Engine) -> int:
    migrate(engine)
    return _serve(args, engine)


def demo_report() -> dict[str, Any]:
    """The 2009 report of 台上镇, written by hand from shared/samples (all its numbers)."""
    text = resources.files("app.demo").joinpath(DEMO_REPORT).read_text(encoding="utf-8")
    report: dict[str, Any] = json.loads(text)
    return report


def load_demo(engine: Engine) -> str:
    """The real hierarchy of 吉林省 → 通化市 → 集安市 with its townships, and the sample."""
    migrate(engine)
    with Session(writer(engine), expire_on_commit=False) as session, session.begin():
        loaded = registry.load(session, within=DEMO_COUNTY)
        result = ingest.ingest_one(session, demo_report())
    revision = result.revision
    assert revision is not None
    return (
        f"demo data: {loaded.jurisdictions} jurisdictions under {DEMO_COUNTY} 集安市; "
        f"sample report {result.status} (revision {revision.number}, "
        f"{revision.error_count} error finding(s))"
    )


def cmd_demo(args: argparse.Namespace, engine: Engine) -> int:
    print(load_demo(engine))
    return _serve(args, engine)


def cmd_registry_load(args: argparse.Namespace, engine: Engine) -> int:
    migrate(engine)
    with Session(writer(engine)) as session, session.begin():
        result = registry.load(session, within=args.within)
    print(f"loaded {result.jurisdictions} jurisdictions and {result.edges} edges")
    return 0


def cmd_keys_create(args: argparse.Namespace, engine: Engine) -> int:
    migrate(engine)
    with Session(engine) as session, session.begin():
        key, secret = keys.create(session, args.name, args.scope)
        print(f"created {key.scope} key {key.id} ({key.name}); it is shown once, keep it:")
    print(secret)
    return 0


def cmd_keys_list(_args: argparse.Namespace, engine: Engine) -> int:
    migrate(engine)
    with Session(engine) as session:
        for key in keys.list_keys(session):
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            print(f"{key.id}\t{key.prefix}…\t{key.scope}\t{state}\t{key.name}")
    return 0


def cmd_keys_revoke(args: argparse.Namespace, engine: Engine) -> int:
    migrate(engine)
    with Session(engine) as session, session.begin():
        key = keys.revoke(session, args.id)
        print(f"revoked key {key.id} ({key.name})")
    return 0


def cmd_parse(args: argparse.Namespace, _engine: Engine) -> int:
    failed = 0
    drafts = []
    for path in client.report_files(args.files):
        try:
            drafts.append(client.draft_json(client.parse_file(path), path))
        except (OSError, UnicodeDecodeError, parsing.NotAReport) as error:
            print(f"error: {path}: {error}", file=sys.stderr)
            failed += 1
    print(json.dumps(drafts, ensure_ascii=False, indent=2))
    return 1 if failed else 0


def cmd_ingest(args: argparse.Namespace, _engine: Engine) -> int:
    if not (args.jurisdiction or args.within):
        print("error: give --jurisdiction CODE or --within CODE", file=sys.stderr)
        return 2
    with client.connect(args.server, args.key) as http:
        summary = client.ingest(http, args.files, args.jurisdiction, args.within)
    print("\n".join(summary.lines()))
    return 1 if summary.failed else 0


def _server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--log-level", default="info")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="disclosure-stats",
        description="Statistics of open-government-information annual reports. The database "
        "is DISCLOSURE_DATABASE_URL (default: a SQLite file in this directory).",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate the database, then serve the API")
    _server_options(serve)
    serve.set_defaults(run=cmd_serve)

    commands.add_parser("migrate", help="upgrade the schema").set_defaults(run=cmd_migrate)

    demo = commands.add_parser(
        "demo", help="load 集安市's hierarchy and the 2009 台上镇 sample report, then serve"
    )
    _server_options(demo)
    demo.set_defaults(run=cmd_demo)

    registry_cmd = commands.add_parser("registry", help="the national registry of divisions")
    registry_sub = registry_cmd.add_subparsers(dest="action", required=True)
    load = registry_sub.add_parser("load", help="load provinces, prefectures, counties, townships")
    load.add_argument("--within", help="only this code's subtree and its parents (e.g. 220582)")
    load.set_defaults(run=cmd_registry_load)

    parse = commands.add_parser("parse", help="parse report files (text or HTML) to drafts")
    parse.add_argument("files", nargs="+", metavar="FILE")
    parse.set_defaults(run=cmd_parse)

    ingest_cmd = commands.add_parser(
        "ingest", help="parse report files or directories and post them to a server"
    )
    ingest_cmd.add_argument("files", nargs="+", metavar="FILE|DIR")
    ingest_cmd.add_argument("--server", required=True, help="e.g. http://127.0.0.1:8000")
    ingest_cmd.add_argument("--key", required=True, help="an API key with the write scope")
    target = ingest_cmd.add_mutually_exclusive_group()
    target.add_argument("--jurisdiction", help="the code of the body every file reports on")
    target.add_argument("--within", help="resolve printed body names under this code")
    ingest_cmd.set_defaults(run=cmd_ingest)

    keys_cmd = commands.add_parser("keys", help="API keys")
    keys_sub = keys_cmd.add_subparsers(dest="action", required=True)
    create = keys_sub.add_parser("create", help="create a key; the key is the last line printed")
    create.add_argument("--scope", choices=["read", "write"], required=True)
    create.add_argument("--name", required=True)
    create.set_defaults(run=cmd_keys_create)
    keys_sub.add_parser("list", help="list keys (never the secrets)").set_defaults(
        run=cmd_keys_list
    )
    revoke = keys_sub.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(run=cmd_keys_revoke)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with _engine() as engine:
            status: int = args.run(args, engine)
    except ProblemError as error:
        print(f"error: {error.detail}", file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
