"""Reports for analysts: `/v1/reports/overview`, the region's report as one HTML page."""

from typing import Annotated, Any

from fastapi import Header, Query, Request
from fastapi.responses import HTMLResponse

from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.deps import SessionDep, SettingsDep
from radar.api.errors import problems
from radar.matching.engine import MatchEngine
from radar.models.base import utcnow
from radar.report.data import ReportFilters, gather_report
from radar.report.html import MEDIA_TYPE, render_html
from radar.report.texts import ReportLanguage
from radar.services.access import require_analyst
from radar.services.match_potential import SCAN_SECONDS
from radar.services.tuning import current_tuning

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
    mailed as it is. The pairs are sampled as `/v1/statistics/match-potential` samples them
    (`radar report` scans more of a large region); the same page asked again, while nothing
    changed, is served as it was drawn."""
    require_analyst(principal)
    match_engine: MatchEngine = request.app.state.match_engine
    filters = ReportFilters(districts=tuple(district), action_fields=tuple(action_field))
    language = lang or preferred_language(accept_language)
    index = match_engine.index(session)
    tuning = current_tuning(session, settings)
    # The page depends on the data (the index's version), on who may see what, on the
    # request, on the weights (changed without a new index) and on the day it is dated.
    key = (
        principal.role,
        principal.actor_ids,
        filters,
        language,
        tuple(sorted(tuning.weights.items())),
        tuning.half_distance_km,
        utcnow().date(),
    )
    pages: dict[Any, str] = index.derived.setdefault(_PAGES, {})
    page = pages.get(key)
    if page is None:
        data = gather_report(
            session,
            engine=match_engine,
            principal=principal,
            settings=settings,
            filters=filters,
            lang=language,
            pair_scan_seconds=SCAN_SECONDS,
        )
        page = render_html(data)
        if len(pages) >= _PAGES_KEPT:
            pages.clear()
        pages[key] = page
    return HTMLResponse(page, media_type=MEDIA_TYPE, headers=PAGE_HEADERS)


# Pages kept with each version of the match index (a write makes a new one, and drops them):
# the same report asked again, by anyone of the same view, is not drawn again.
_PAGES = "report_pages"
_PAGES_KEPT = 32


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
