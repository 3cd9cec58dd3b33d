"""`radar report`: the report of the whole region, or of some districts and action fields, as
the service itself sees it (an admin's view), written to a file or standard output."""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from radar.db import make_engine, session_scope, upgrade
from radar.errors import InvalidInput, RadarError
from radar.matching.engine import MatchEngine
from radar.report.data import STEPS, ReportFilters, check_districts, gather_report
from radar.report.html import render_html
from radar.report.pdf import render_pdf
from radar.report.texts import ReportLanguage
from radar.services.access import SYSTEM
from radar.settings import Settings

# argparse's exit status for a wrong argument: an unknown district or action field is one.
USAGE_ERROR = 2


def run_report(
    args: argparse.Namespace, settings: Settings, *, progress: Callable[..., Any]
) -> int:
    """Gather, draw and write the report that `args` ask for, step by step on the bar that
    `progress` makes (tqdm's options; the command's own shows on a terminal only)."""
    output: Path | None = None if args.output == "-" else Path(args.output or default_name(args))
    filters = ReportFilters(districts=args.district, action_fields=args.action_field)
    engine = make_engine(settings.resolved_database_url())
    try:
        upgrade(engine)
        with (
            progress(total=len(STEPS), unit="step", desc="report") as bar,
            session_scope(engine, write=False) as session,
        ):

            def step(name: str) -> None:
                bar.set_postfix_str(name)
                bar.update(1)

            check_districts(session, filters.districts)
            data = gather_report(
                session, engine=MatchEngine(), principal=SYSTEM, settings=settings,
                filters=filters, lang=ReportLanguage(args.lang), on_step=step,
            )  # fmt: skip
            if args.format == "pdf":
                document = render_pdf(data, on_step=step)
            else:
                document = render_html(data, on_step=step).encode("utf-8")
    except InvalidInput as error:
        for field_error in error.errors:
            print(f"radar report: {field_error.message}", file=sys.stderr)
        return USAGE_ERROR
    except RadarError as error:
        print(f"radar report: {error.detail}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if output is None:
        sys.stdout.buffer.write(document)
        sys.stdout.buffer.flush()
        return 0
    try:
        output.write_bytes(document)
    except OSError as error:
        print(f"radar report: cannot write {output}: {error}", file=sys.stderr)
        return 1
    print(f"wrote {output}", file=sys.stderr)
    return 0


def default_name(args: argparse.Namespace) -> str:
    return f"radar-report.{args.format}"
