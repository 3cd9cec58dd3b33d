"""The `radar` command: serve, db, demo, openapi."""

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from radar.db import make_engine, session_scope, upgrade
from radar.settings import Settings, get_settings

log = logging.getLogger("radar")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `radar` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    result: int = args.handler(args, settings)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="radar", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="upgrade the database, then run the HTTP API")
    serve.add_argument("--host", help="bind address (default: RADAR_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: RADAR_PORT or 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.add_argument("--demo", action="store_true", help="load the demo data set first")
    serve.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(required=True, metavar="ACTION")
    db_upgrade = db_commands.add_parser("upgrade", help="migrate the schema (default: to head)")
    db_upgrade.add_argument("revision", nargs="?", default="head")
    db_upgrade.set_defaults(handler=_db_upgrade)

    demo = commands.add_parser("demo", help="load the demo data set (idempotent)")
    demo.set_defaults(handler=_demo)

    openapi = commands.add_parser("openapi", help="write the OpenAPI document")
    openapi.add_argument(
        "--output", type=Path, default=None, help="file to write (default: standard output)"
    )
    openapi.set_defaults(handler=_openapi)
    return parser


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    _db_upgrade(argparse.Namespace(revision="head"), settings)
    if args.demo:
        _demo(args, settings)
    host = args.host or settings.host
    port = args.port or settings.port
    print(f"Radar API on http://{host}:{port}/docs", file=sys.stderr)
    uvicorn.run(
        "radar.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )
    return 0


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.resolved_database_url())
    try:
        upgrade(engine, args.revision)
    finally:
        engine.dispose()
    log.info("database at revision %s", args.revision)
    return 0


def _demo(_args: argparse.Namespace, settings: Settings) -> int:
    from radar.demo import load_demo

    engine = make_engine(settings.resolved_database_url())
    try:
        upgrade(engine)
        with session_scope(engine) as session:
            counts = load_demo(session)
    finally:
        engine.dispose()
    summary = ", ".join(f"{created} new {kind}" for kind, created in counts.items())
    print(f"demo data loaded: {summary}")
    return 0


def _openapi(args: argparse.Namespace, settings: Settings) -> int:
    from radar.api.app import openapi_document

    text = json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
