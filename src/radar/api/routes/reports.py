"""Reports for analysts: `/v1/reports/overview`, the region's report as one HTML page."""

from typing import Annotated

from fastapi import Header, Query, Request
from fastapi.responses import HTMLResponse

from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.deps import SessionDep, SettingsDep
from radar.api.errors import problems
from radar.matching.engine import MatchEngine
from radar.report.data import ReportFilters, gather_report
from radar.report.html import MEDIA_TYPE, render_html
from radar.report.texts import ReportLanguage
from radar.services.statistics import require_analyst

router = authenticated_router(prefix="/v1/reports", tags=["reports"])

# The page loads nothing: no script, no font, no image but the charts' inline ones.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Vary": "Authorization, Accept-Language",
}


@router.get(
    "/overview",
    response_class=HTMLResponse,
    responses={
        200: {
            "description": "The report: one self-contained HTML page.",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
        **problems(403, 422),
    },
)
def overview_report(
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    request: Request,
    lang: Annotated[
        ReportLanguage | None,
        Query(description="The report's language; default: from `Accept-Language`, else de."),
    ] = None,
    district: Annotated[list[str], Query(max_length=20, description="Districts (any of).")] = [],  # noqa: B006
    action_field: Annotated[
        list[str], Query(max_length=10, description="Action-field slugs (any of).")
    ] = [],  # noqa: B006
    accept_language: Annotated[
        str | None,
        Header(max_length=500, description="Chooses the language when `lang` is not given."),
    ] = None,
) -> HTMLResponse:
    """The region's report (analysts and admins), as `radar report` writes it: key figures,
    actors by district and action field, supply and demand per topic, growth per month, the
    collaboration between districts, a map of the actors and the strongest pairs not yet
    connected, with their reasons — among the actors you may see, with the filters. One
    HTML page with its charts inline (SVG): it loads nothing else, so it can be saved and
    mailed as it is."""
    require_analyst(principal)
    match_engine: MatchEngine = request.app.state.match_engine
    data = gather_report(
        session,
        engine=match_engine,
        principal=principal,
        settings=settings,
        filters=ReportFilters(districts=district, action_fields=action_field),
        lang=lang or preferred_language(accept_language),
    )
    return HTMLResponse(render_html(data), media_type=MEDIA_TYPE, headers=PAGE_HEADERS)


def preferred_language(accept_language: str | None) -> ReportLanguage:
    """The report language `Accept-Language` likes best (RFC 9110 §12.5.4: by q-value, the
    earlier of equals); German when it names neither."""
    best, best_q = ReportLanguage.de, 0.0
    for item in (accept_language or "").split(","):
        tag, *parameters = (part.strip() for part in item.split(";"))
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.lower().split("-")[0]
        if primary in ReportLanguage.__members__ and q > best_q:
            best, best_q = ReportLanguage(primary), q
    return best
