"""The `radar` command: serve, worker, db, demo, token, geocode, import, export, match,
report, openapi."""

import argparse
import csv
import json
import logging
import sys
import uuid
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn
from pydantic import ValidationError

from radar.db import make_engine, session_scope, upgrade
from radar.errors import InvalidInput, RadarError
from radar.models.account import AccountCreate, Role, TokenCreate
from radar.models.base import utcnow
from radar.settings import Settings, get_settings

if TYPE_CHECKING:
    from tqdm import tqdm

log = logging.getLogger("radar")

# The demo member manages this demo actor.
DEMO_MEMBER_ACTOR = "demo-actor-001"


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

    demo = commands.add_parser(
        "demo", help="load the demo data set (idempotent) and print an admin and a member token"
    )
    demo.set_defaults(handler=_demo)

    token = commands.add_parser("token", help="API accounts and bearer tokens")
    token_commands = token.add_subparsers(required=True, metavar="ACTION")
    token_create = token_commands.add_parser(
        "create",
        help="create an account and a bearer token for it; the token is the last line of output",
    )
    token_create.add_argument(
        "--role", required=True, choices=[role.value for role in Role], help="the account's role"
    )
    token_create.add_argument("--name", required=True, help="the account's name")
    token_create.add_argument(
        "--actor",
        dest="actor_ids",
        type=uuid.UUID,
        action="append",
        default=[],
        metavar="ID",
        help="id of an actor the account manages (repeatable)",
    )
    token_create.add_argument(
        "--expires-in-days",
        type=_positive_int,
        default=None,
        metavar="N",
        help="the token expires after N days (default: never)",
    )
    token_create.set_defaults(handler=_token_create)

    geocode = commands.add_parser(
        "geocode", help="geocode again the actors and ideas whose geocoding failed or is pending"
    )
    geocode.add_argument(
        "--pending",
        action="store_true",
        required=True,
        help="retry every row with geocode_status pending or failed",
    )
    geocode.add_argument(
        "--limit", type=_positive_int, default=10_000, help="most rows per kind (default 10000)"
    )
    geocode.set_defaults(handler=_geocode)

    importer = commands.add_parser(
        "import", help="import actors or ideas from CSV or JSON Lines (upsert by external_id)"
    )
    importer.add_argument("kind", choices=["actors", "ideas"], help="what the file holds")
    importer.add_argument(
        "file", type=Path, help="a .csv file (lists `;`-separated) or JSON Lines (.jsonl)"
    )
    importer.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    importer.set_defaults(handler=_import)

    export = commands.add_parser("export", help="export actors, ideas or groups")
    export.add_argument("entity", choices=["actors", "ideas", "groups"])
    export.add_argument("--format", choices=["csv", "jsonl", "geojson"], default="csv")
    export.add_argument(
        "--output", type=Path, default=None, help="file to write (default: standard output)"
    )
    export.set_defaults(handler=_export)

    match = commands.add_parser(
        "match",
        help="best pairs of actors (within or between districts, topics, action fields, kinds) "
        "or one actor's best partners, as CSV or JSON",
    )
    match.add_argument("--actor", type=uuid.UUID, help="one actor's best partners instead")
    for side, label in (("", "one side of each pair"), ("with-", "the other side")):
        match.add_argument(f"--{side}district", action="append", default=[], help=label)
        match.add_argument(f"--{side}topic", action="append", default=[], help=label)
        match.add_argument(f"--{side}action-field", action="append", default=[], help=label)
        match.add_argument(f"--{side}kind", action="append", default=[], help=label)
    match.add_argument("--limit", type=_positive_int, default=50, help="most rows (default 50)")
    match.add_argument("--min-score", type=float, default=0.0, help="lowest score listed")
    match.add_argument(
        "--include-partners",
        action="store_true",
        help="also list those already working together (a shared idea or joint project); "
        "left out by default",
    )
    match.add_argument("--format", choices=["csv", "json"], default="csv")
    match.add_argument(
        "--output", type=Path, default=None, help="file to write (default: standard output)"
    )
    match.set_defaults(handler=_match)

    report = commands.add_parser(
        "report",
        help="a report to mail around: key figures, charts and the strongest unconnected pairs, "
        "as one self-contained HTML file or a PDF",
    )
    report.add_argument(
        "--output", help="file to write, - for standard output (default: radar-report.html/.pdf)"
    )
    report.add_argument("--format", choices=["html", "pdf"], default="html")
    report.add_argument("--lang", choices=["de", "en"], default="de", help="default de")
    report.add_argument(
        "--district", action="append", default=[], help="only actors in it (repeatable)"
    )
    report.add_argument(
        "--action-field", action="append", default=[], help="only actors in it (slug; repeatable)"
    )
    report.set_defaults(handler=_report)

    worker = commands.add_parser(
        "worker", help="deliver webhooks: claim due deliveries, send them signed, retry"
    )
    worker.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    worker.set_defaults(handler=_worker)

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
        # uvicorn's own default believes X-Forwarded-For and -Proto from any loopback peer:
        # trust exactly the proxies the app trusts, and none when none are configured.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=[str(network) for network in settings.trusted_proxies],
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
    from radar.services.accounts import ensure_demo_accounts

    engine = make_engine(settings.resolved_database_url())
    try:
        upgrade(engine)
        with session_scope(engine) as session:
            counts = load_demo(session)
            tokens = ensure_demo_accounts(session, member_actor_external_id=DEMO_MEMBER_ACTOR)
    finally:
        engine.dispose()
    summary = ", ".join(f"{created} new {kind}" for kind, created in counts.items())
    print(f"demo data loaded: {summary}")
    print(f"the demo member manages the actor {DEMO_MEMBER_ACTOR}", file=sys.stderr)
    for role, created in tokens.items():
        print(f"{role} token: {created.token}")
    return 0


def _token_create(args: argparse.Namespace, settings: Settings) -> int:
    from radar.services import accounts
    from radar.services.access import SYSTEM

    expires_at = (
        None if args.expires_in_days is None else utcnow() + timedelta(days=args.expires_in_days)
    )
    engine = make_engine(settings.resolved_database_url())
    try:
        upgrade(engine)
        with session_scope(engine) as session:
            account = accounts.create_account(
                session,
                data=AccountCreate(name=args.name, role=Role(args.role), actor_ids=args.actor_ids),
            )
            token = accounts.create_token(
                session,
                account_id=account.id,
                data=TokenCreate(name="radar token create", expires_at=expires_at),
                principal=SYSTEM,
            )
    except (RadarError, ValidationError) as error:
        for message in _messages(error):
            print(f"radar token create: {message}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    managed = ", ".join(str(actor_id) for actor_id in account.actor_ids) or "none"
    expiry = token.expires_at.isoformat() if token.expires_at else "never"
    print(
        f"account {account.id} ({account.role}, {account.name!r}); manages actors: {managed}\n"
        f"token {token.id}; expires: {expiry}; shown once, store it now:",
        file=sys.stderr,
    )
    print(token.token)
    return 0


def _geocode(args: argparse.Namespace, settings: Settings) -> int:
    from radar.services import actors, ideas

    engine = make_engine(settings.resolved_database_url())
    try:
        upgrade(engine)
        reports = []
        with session_scope(engine) as session:
            for entity, retry in (
                ("actors", actors.retry_geocoding),
                ("ideas", ideas.retry_geocoding),
            ):
                with progress_bar(unit="row", desc=f"geocoding {entity}") as bar:
                    reports.append(
                        retry(session, limit=args.limit, on_rows=bar.reset, on_row=bar.update)
                    )
    finally:
        engine.dispose()
    for report in reports:
        print(f"{report.entity_type}: {report.located} located, {report.failed} still failing")
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from radar.services import importer

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"radar import: cannot read {args.file}: {error}", file=sys.stderr)
        return 1
    fmt = importer.detect_format(args.file.name)
    try:
        records = importer.read_records(text, fmt, args.kind)
    except InvalidInput as error:
        for message in _messages(error):
            print(f"radar import: {args.file}: {message}", file=sys.stderr)
        return 1
    engine = make_engine(settings.resolved_database_url())
    try:
        upgrade(engine)
        with progress_bar(total=len(records), unit="row", desc=f"importing {args.kind}") as bar:
            report = importer.run_import(
                engine,
                kind=args.kind,
                records=records,
                dry_run=args.dry_run,
                on_row=lambda: bar.update(1),
            )
    finally:
        engine.dispose()
    for row_error in report.errors:
        where = f"line {row_error.line}" + (f", {row_error.field}" if row_error.field else "")
        print(f"{args.file}: {where}: {row_error.message}", file=sys.stderr)
    print(
        f"{args.kind}: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.superseded} superseded by a later row, "
        f"{report.invalid} invalid" + (" (dry run: nothing written)" if args.dry_run else "")
    )
    return 1 if report.errors else 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from radar.services import exporter
    from radar.services.access import SYSTEM

    engine = make_engine(settings.resolved_database_url())
    try:
        upgrade(engine)
        total = exporter.stored_rows(engine, args.entity)
        with progress_bar(total=total, unit="row", desc=f"exporting {args.entity}") as bar:
            chunks = exporter.export(
                engine, entity=args.entity, fmt=args.format, principal=SYSTEM, on_row=bar.update
            )
            if args.output is None:
                for chunk in chunks:
                    sys.stdout.write(chunk)
            else:
                with args.output.open("w", encoding="utf-8", newline="") as fh:
                    for chunk in chunks:
                        fh.write(chunk)
        if args.output is not None:
            print(f"wrote {args.output}", file=sys.stderr)
    finally:
        engine.dispose()
    return 0


def _match(args: argparse.Namespace, settings: Settings) -> int:
    from radar.matching.engine import MatchEngine
    from radar.models.match import MatchQuery
    from radar.services import match_pairs, matches
    from radar.services.access import SYSTEM
    from radar.services.csv_cells import csv_row
    from radar.services.tuning import current_tuning

    engine = make_engine(settings.resolved_database_url())
    try:
        upgrade(engine)
        with (
            session_scope(engine) as session,
            progress_bar(total=2, unit="step", desc="reading the actors") as bar,
        ):
            match_engine = MatchEngine()
            match_engine.index(session)  # the long part at scale: read every actor once
            bar.update()
            bar.set_description("matching")
            if args.actor is not None:
                found = matches.match_actor(
                    session, engine=match_engine, actor_id=args.actor, principal=SYSTEM,
                    min_score=args.min_score, include_partners=args.include_partners,
                    limit=min(args.limit, 100), tuning=current_tuning(session, settings),
                )  # fmt: skip
                rows = [_match_row(None, m.actor, m.score, m.components, m.reasons)
                        for m in found.data]  # fmt: skip
                note = found.note
                document: Any = found.model_dump(mode="json")
            else:
                query = MatchQuery.model_validate(
                    {
                        "among": _actor_set(args, ""),
                        "with": _actor_set(args, "with_") if _has_side(args, "with_") else None,
                        "min_score": args.min_score,
                        "include_partners": args.include_partners,
                        "limit": args.limit,
                    }
                )
                pairs = match_pairs.best_pairs(
                    session, engine=match_engine, query=query, principal=SYSTEM,
                    tuning=current_tuning(session, settings),
                )  # fmt: skip
                rows = [_match_row(p.a, p.b, p.score, p.components, p.reasons)
                        for p in pairs.data]  # fmt: skip
                note = pairs.note
                document = pairs.model_dump(mode="json")
            bar.update()
    except (RadarError, ValidationError) as error:
        for message in _messages(error):
            print(f"radar match: {message}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    out = args.output.open("w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        if args.format == "json":
            out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(out, fieldnames=list(_MATCH_COLUMNS))
            writer.writeheader()
            writer.writerows(csv_row(row) for row in rows)
    finally:
        if args.output:
            out.close()
            print(f"wrote {len(rows)} rows to {args.output}", file=sys.stderr)
    if note is not None and not rows:
        print(f"radar match: {note.en}", file=sys.stderr)
    return 0


_MATCH_COLUMNS = (
    "score", "a_id", "a_name", "a_district", "b_id", "b_name", "b_kind", "b_district",
    "topics", "action_fields", "proximity", "complementarity", "kinds", "network", "activity",
    "reasons_de", "reasons_en",
)  # fmt: skip


def _match_row(
    a: Any, b: Any, score: float, components: dict[str, float], reasons: Sequence[Any]
) -> dict[str, Any]:
    return {
        "score": score,
        "a_id": a.id if a else "",
        "a_name": a.name if a else "",
        "a_district": (a.district or "") if a else "",
        "b_id": b.id,
        "b_name": b.name,
        "b_kind": b.kind,
        "b_district": b.district or "",
        **components,
        "reasons_de": "; ".join(r.de for r in reasons),
        "reasons_en": "; ".join(r.en for r in reasons),
    }


def _actor_set(args: argparse.Namespace, side: str) -> dict[str, list[str]]:
    return {
        "districts": getattr(args, f"{side}district"),
        "topics": getattr(args, f"{side}topic"),
        "action_fields": getattr(args, f"{side}action_field"),
        "kinds": getattr(args, f"{side}kind"),
    }


def _has_side(args: argparse.Namespace, side: str) -> bool:
    return any(_actor_set(args, side).values())


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from radar.report.command import run_report

    return run_report(args, settings, progress=progress_bar)


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    import signal
    import threading

    from radar.webhooks.dispatcher import Dispatcher
    from radar.webhooks.match_watch import MatchWatcher

    engine = make_engine(settings.resolved_database_url())
    upgrade(engine)
    dispatcher = Dispatcher(
        engine,
        allow_private=settings.webhooks_allow_private,
        lease=timedelta(seconds=settings.webhooks_lease_seconds),
        watcher=MatchWatcher(engine, settings),
    )
    try:
        if args.once:
            print(f"{dispatcher.run_until_idle()} deliveries attempted", file=sys.stderr)
            return 0
        stop = threading.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stop.set())
        log.info("webhook worker running")
        dispatcher.run_forever(stop)
    finally:
        dispatcher.close()
        engine.dispose()
    return 0


def progress_bar(**options: Any) -> "tqdm[Any]":
    """A progress bar on stderr while stderr is a terminal; silent when it is piped or
    redirected (a log, a script), so nothing but the command's own output reaches it."""
    from tqdm import tqdm

    return tqdm(file=sys.stderr, disable=not sys.stderr.isatty(), **options)


def _messages(error: RadarError | ValidationError) -> list[str]:
    if isinstance(error, ValidationError):
        return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
    if isinstance(error, InvalidInput):
        return [field_error.message for field_error in error.errors]
    return [error.detail]


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return value


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
