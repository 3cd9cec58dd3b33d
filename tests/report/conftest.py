"""Fixtures of the report's tests: the report gathered in-process for a principal (the browser
and the demo site come from `tests/browser_site.py`)."""

import re
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session

from radar.matching.engine import MatchEngine
from radar.models.account import Role
from radar.report.data import ReportData, ReportFilters, gather_report
from radar.report.texts import ReportLanguage
from radar.services.access import Principal
from radar.settings import Settings

DAY = date(2026, 3, 1)
# A URL that would make the page ask another place: in a src, href or CSS url(), or an import.
OUTSIDE = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import"""
)


def gather(
    session: Session,
    settings: Settings,
    role: Role = Role.admin,
    *,
    districts: Sequence[str] = (),
    action_fields: Sequence[str] = (),
    lang: ReportLanguage = ReportLanguage.de,
) -> ReportData:
    """The report's data as a caller of `role` sees it."""
    return gather_report(
        session,
        engine=MatchEngine(),
        principal=Principal(role=role),
        settings=settings,
        filters=ReportFilters(districts=districts, action_fields=action_fields),
        lang=lang,
        generated=DAY,
    )
