"""The map explorer in a real browser (Debian's chromium under Playwright) against the app
serving the demo data: clusters, filters in the address, the actor and idea panels, sign-in,
what a partner may see, the base map's fallback, a phone screen. Every page is also checked
for console errors and for requests to any host but this one (tile requests aside)."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from radar.models.account import Role
from tests.browser_site import DemoSite, Opened, screenshot_dirs

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)"
)
expect = sync_api.expect

OpenExplorer = Callable[..., Opened]
REGION = "/?map=8/51.15/7.85"  # all of Südwestfalen in view


def ready(page: Any) -> None:
    """Wait until the map has drawn what it last asked the API for."""
    expect(page.locator("#results")).to_have_attribute("aria-busy", "false")


def on_map(page: Any) -> int:
    """Items on the map: the clusters' counts and the single points."""
    counts = page.locator(".radar-cluster").evaluate_all("els => els.map(e => +e.dataset.count)")
    return int(sum(counts)) + page.locator(".radar-pin").count()


def api(opened: Opened, path: str, token: str | None, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.get(f"{opened.base}/v1/{path}", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_api_clusters_appear_over_the_base_map(
    open_explorer: OpenExplorer, demo_site: DemoSite
) -> None:
    token = demo_site.tokens[Role.admin]
    opened = open_explorer(REGION, token=token)
    page = opened.page
    ready(page)

    clusters = page.locator(".radar-cluster")
    expect(clusters.first).to_be_visible()
    assert min(clusters.evaluate_all("els => els.map(e => +e.dataset.count)")) >= 2
    everything = api(opened, "map", token, layer="actors")["count"]
    assert on_map(page) == everything == int(page.locator("#status").get_attribute("data-count"))
    assert opened.watch.tiles, "the base map's tiles were asked for"
    expect(page.locator("#map")).not_to_have_class(re.compile("no-tiles"))
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("OpenStreetMap")


def test_filters_narrow_the_points_and_live_in_the_address(
    open_explorer: OpenExplorer, demo_site: DemoSite
) -> None:
    token = demo_site.tokens[Role.member]
    opened = open_explorer(REGION, token=token)
    page = opened.page
    ready(page)
    everything = on_map(page)

    page.select_option("#district", "Olpe")
    expect(page).to_have_url(re.compile(r"[?&]district=Olpe(&|$)"))
    ready(page)
    in_olpe = on_map(page)
    assert 0 < in_olpe < everything
    assert in_olpe == api(opened, "map", token, layer="actors", district="Olpe")["count"]

    page.locator("#topic-input").press_sequentially("co2")
    option = page.locator('#topic-options [role="option"][data-slug="co2-bilanzierung"]')
    expect(option).to_be_visible()
    expect(page.locator("#topic-input")).to_have_attribute("aria-expanded", "true")
    # Down the list with the arrow keys to the topic, and Enter.
    slugs = page.locator('#topic-options [role="option"]').evaluate_all(
        "els => els.map(e => e.dataset.slug)"
    )
    for _ in range(slugs.index("co2-bilanzierung")):
        page.locator("#topic-input").press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    page.locator("#topic-input").press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]topic=co2-bilanzierung(&|$)"))
    ready(page)
    narrowed = on_map(page)
    olpe_co2 = {"district": "Olpe", "topic": "co2-bilanzierung"}
    expected = api(opened, "map", token, layer="actors", **olpe_co2)["count"]
    assert 0 < narrowed == expected < in_olpe
    label = api(opened, "topics/co2-bilanzierung", token)["label_en"]
    expect(page.locator("#topic-chips")).to_contain_text(label)

    # A shared link shows the same map.
    page.goto(page.url)
    ready(page)
    expect(page.locator("#district")).to_have_value("Olpe")
    expect(page.locator("#topic-chips")).to_contain_text(label)
    assert on_map(page) == narrowed

    # Removing the topic widens the map again.
    page.get_by_role("button", name=f"Remove topic {label}").click()
    expect(page).not_to_have_url(re.compile("topic="))
    ready(page)
    assert on_map(page) == in_olpe


def test_topic_suggestions_take_english_words_on_a_german_page(
    open_explorer: OpenExplorer, demo_site: DemoSite
) -> None:
    page = open_explorer(REGION, token=demo_site.tokens[Role.member], locale="de-DE").page
    ready(page)
    expect(page.locator("html")).to_have_attribute("lang", "de")

    page.locator("#topic-input").press_sequentially("hydrogen")
    option = page.locator('#topic-options [role="option"][data-slug="wasserstoff"]')
    expect(option).to_contain_text("Wasserstoff")
    option.click()
    expect(page).to_have_url(re.compile(r"[?&]topic=wasserstoff(&|$)"))
    expect(page.locator("#topic-chips")).to_contain_text("Wasserstoff")


def test_free_text_finds_actors_and_shows_them(
    open_explorer: OpenExplorer, demo_site: DemoSite
) -> None:
    token = demo_site.tokens[Role.admin]
    opened = open_explorer(REGION, token=token)
    page = opened.page
    ready(page)

    page.fill("#q", "Siegen")
    expect(page).to_have_url(re.compile(r"[?&]q=Siegen(&|$)"))
    ready(page)
    found = api(opened, "actors", token, q="Siegen", limit=100)
    located = [actor for actor in found["data"] if actor["lat"] is not None]
    expect(page.locator("#status")).to_contain_text(f"{found['count']} found")
    assert page.locator(".radar-pin").count() == len(located) > 0
    names = page.locator("#result-list li[data-id] button").all_inner_texts()
    assert sorted(names) == sorted(actor["name"] for actor in found["data"])


@pytest.mark.parametrize(("locale", "language"), [("en-US", "en"), ("de-DE", "de")])
def test_an_actor_panel_shows_its_matches_with_reasons_and_the_line_to_one(
    open_explorer: OpenExplorer, demo_site: DemoSite, locale: str, language: str
) -> None:
    token = demo_site.tokens[Role.admin]
    university = demo_site.actor("demo-actor-001")
    opened = open_explorer(
        f"/?map=16/{university.lat}/{university.lon}", token=token, locale=locale
    )
    page = opened.page
    ready(page)

    # By keyboard: the marker is a button in the tab order, Enter opens it.
    marker = page.locator(f'.radar-pin[data-id="{university.id}"]').locator("xpath=..")
    expect(marker).to_have_attribute("role", "button")
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#panel-title")).to_have_text(university.name)
    expect(page).to_have_url(re.compile(f"[?&]actor={university.id}"))

    matches = api(opened, f"actors/{university.id}/matches", token, limit=10)["data"]
    assert matches
    items = page.locator("#panel .match")
    expect(items).to_have_count(len(matches))
    first = items.first
    expect(first.locator(".match-name")).to_have_text(matches[0]["actor"]["name"])
    reasons = [reason[language] for reason in matches[0]["reasons"] if not reason["against"]]
    expect(first.locator(".reasons li:not(.against)")).to_have_text(reasons)
    ideas = api(opened, "ideas", token, participant=str(university.id))["data"]
    for idea in ideas:
        expect(page.locator("#panel")).to_contain_text(idea["title"])

    first.locator(".match-name").click()
    expect(page.locator("path.match-line")).to_have_count(1)
    expect(first).to_have_class(re.compile("chosen"))

    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()
    expect(page).not_to_have_url(re.compile("actor="))
    expect(page.locator("path.match-line")).to_have_count(0)


def test_an_idea_panel_shows_who_takes_part_and_a_consortium(
    open_explorer: OpenExplorer, demo_site: DemoSite
) -> None:
    token = demo_site.tokens[Role.member]
    opened = open_explorer(REGION, token=token)
    idea = api(opened, "ideas", token, q="KI Sandbox")["data"][0]
    page = opened.page
    page.goto(f"{opened.base}/?layers=actors,ideas&map=9/51.1/7.9&idea={idea['id']}")

    expect(page.locator("#panel-title")).to_have_text(idea["title"])
    for participant in idea["participants"]:
        name = api(opened, f"actors/{participant['actor_id']}", token)["name"]
        expect(page.locator("#panel .links")).to_contain_text(name)
    team = api(opened, f"ideas/{idea['id']}/consortium", token, k=4)["members"]
    assert team
    expect(page.locator("#panel .match")).to_have_count(len(team))
    expect(page.locator("#panel .match .reasons").first).to_contain_text(
        team[0]["reasons"][0]["en"]
    )
    expect(page.locator("path.selected-ring")).to_have_count(1)


def test_a_working_group_shows_its_members(
    open_explorer: OpenExplorer, demo_site: DemoSite
) -> None:
    page = open_explorer(REGION, token=demo_site.tokens[Role.admin]).page
    ready(page)
    page.check("#layer-groups")
    expect(page).to_have_url(re.compile(r"[?&]layers=actors,groups"))
    first = page.locator("#group-list button").first
    name = first.inner_text()
    first.click()
    expect(page.locator("#panel-title")).to_have_text(name)
    expect(page.locator("#notice")).to_contain_text("members shown on the map")
    members = page.locator("#panel .links li").count()
    assert members > 0
    expect(page.locator("path.member-ring")).to_have_count(members)


def test_a_partner_sees_coarsened_places(open_explorer: OpenExplorer, demo_site: DemoSite) -> None:
    actor = demo_site.coarse_actor()
    assert actor.shown_lat is not None
    assert actor.shown_lon is not None
    assert actor.street is not None
    assert (actor.shown_lat, actor.shown_lon) != (actor.lat, actor.lon)

    partner = open_explorer(
        f"/?map=18/{actor.shown_lat}/{actor.shown_lon}&actor={actor.id}",
        token=demo_site.tokens[Role.partner],
    ).page
    expect(partner.locator("#panel-title")).to_have_text(actor.name)
    expect(partner.locator("#panel .profile")).not_to_contain_text(actor.street)
    expect(partner.locator("#panel .approximate")).to_be_visible()
    ready(partner)
    pin = partner.locator(f'.radar-pin[data-id="{actor.id}"]')
    assert float(pin.get_attribute("data-lat") or "nan") == pytest.approx(actor.shown_lat)
    assert float(pin.get_attribute("data-lon") or "nan") == pytest.approx(actor.shown_lon)

    admin = open_explorer(
        f"/?map=18/{actor.lat}/{actor.lon}&actor={actor.id}", token=demo_site.tokens[Role.admin]
    ).page
    expect(admin.locator("#panel .profile")).to_contain_text(actor.street)
    expect(admin.locator("#panel .approximate")).to_have_count(0)
    ready(admin)
    pin = admin.locator(f'.radar-pin[data-id="{actor.id}"]')
    assert float(pin.get_attribute("data-lat") or "nan") == pytest.approx(actor.lat)


def test_sign_in_with_a_pasted_token_kept_for_the_tab_only(
    open_explorer: OpenExplorer, demo_site: DemoSite
) -> None:
    opened = open_explorer(REGION)
    page = opened.page
    dialog = page.locator("#sign-in-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#token")).to_be_focused()
    assert page.locator(".radar-cluster, .radar-pin").count() == 0

    opened.watch.allowed.append("401")  # the browser logs the refused token's answer
    page.fill("#token", "radar_not-a-token")
    page.press("#token", "Enter")
    expect(page.locator("#sign-in-error")).to_have_text("This token was not accepted.")

    token = demo_site.tokens[Role.partner]
    page.fill("#token", token)
    page.click("#sign-in-submit")
    expect(dialog).to_be_hidden()
    expect(page.locator("#who")).to_contain_text("partner")
    ready(page)
    expect(page.locator(".radar-cluster").first).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('radar-token')") == token
    assert page.evaluate("localStorage.length") == 0

    page.click("#sign-out")
    expect(dialog).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('radar-token')") is None


def test_public_read_needs_no_sign_in_and_shows_public_profiles_only(
    open_explorer: OpenExplorer, demo_site: DemoSite
) -> None:
    opened = open_explorer(REGION, public_read=True)
    page = opened.page
    ready(page)
    expect(page.locator("#sign-in-dialog")).to_be_hidden()
    expect(page.locator("#who")).to_have_text("Not signed in: public profiles only")
    anonymous = api(opened, "map", None, layer="actors")["count"]
    admin = api(opened, "map", demo_site.tokens[Role.admin], layer="actors")["count"]
    assert on_map(page) == anonymous < admin


def test_without_tiles_every_point_shows_on_a_plain_background(
    open_explorer: OpenExplorer, demo_site: DemoSite
) -> None:
    token = demo_site.tokens[Role.admin]
    opened = open_explorer(REGION, token=token, tiles="block")
    page = opened.page
    ready(page)
    expect(page.locator("#map")).to_have_class(re.compile("no-tiles"))
    expect(page.locator("#notice")).to_contain_text("Base map unavailable")
    assert on_map(page) == api(opened, "map", token, layer="actors")["count"]


def test_screenshots_on_a_desktop_and_a_phone(
    open_explorer: OpenExplorer, demo_site: DemoSite, tmp_path: Path
) -> None:
    token = demo_site.tokens[Role.admin]
    university = demo_site.actor("demo-actor-001")
    desktop = open_explorer(
        f"/?map=9/51.05/7.95&layers=actors,ideas&actor={university.id}",
        token=token,
        viewport=(1440, 900),
    ).page
    expect(desktop.locator("#panel .match").first).to_be_visible()
    desktop.locator("#panel .match .match-name").first.click()
    expect(desktop.locator("path.match-line")).to_have_count(1)
    desktop.wait_for_timeout(1200)  # the flight to the match ends
    ready(desktop)
    desktop.locator(".sidebar").evaluate("sidebar => { sidebar.scrollTop = 0; }")

    phone = open_explorer(
        "/?map=8/51.15/7.85", token=token, viewport=(390, 844), mobile=True, locale="de-DE"
    ).page
    ready(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "nothing sticks out sideways on a phone"
    box = phone.locator("#map").bounding_box()
    assert box is not None
    assert box["height"] > 300
    assert box["width"] == pytest.approx(390, abs=1)
    expect(phone.locator("#topic-input")).to_be_visible()
    expect(phone.locator(".radar-cluster").first).to_be_visible()

    for folder in screenshot_dirs(tmp_path):
        folder.mkdir(parents=True, exist_ok=True)
        desktop.screenshot(path=str(folder / "explorer-desktop.png"))
        phone.screenshot(path=str(folder / "explorer-phone.png"))
    assert (tmp_path / "explorer-phone.png").stat().st_size > 0
