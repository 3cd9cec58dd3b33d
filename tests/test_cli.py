"""The `radar` command: schema upgrades, the demo data set, tokens and the OpenAPI export."""

import json
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from radar.api.app import create_app, openapi_document
from radar.cli import main
from radar.models.account import Account
from radar.models.actor import Actor
from radar.settings import Settings, get_settings
from tests.factories import create_actor


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, database_url: str, engine: Engine) -> None:
    """Point the command at the test database (settings come from RADAR_* variables)."""
    monkeypatch.setenv("RADAR_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _me(settings: Settings, engine: Engine, token: str) -> dict[str, Any]:
    """The account a token signs in as, asked over HTTP."""
    app = create_app(settings, engine=engine)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        response = client.get("/v1/me")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def _demo_tokens(output: str) -> dict[str, str]:
    """The `admin token: …` and `member token: …` lines `radar demo` prints."""
    return dict(line.split(" token: ", 1) for line in output.splitlines() if " token: " in line)


@pytest.mark.usefixtures("environment")
def test_db_upgrade_and_demo(
    session: Session, settings: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    assert main(["demo"]) == 0
    output = capsys.readouterr().out
    assert "new actors" in output
    actors = session.execute(select(func.count()).select_from(Actor)).scalar_one()
    assert actors >= 60
    first_tokens = _demo_tokens(output)
    assert list(first_tokens) == ["admin", "member"]
    demo_actor = session.execute(
        select(col(Actor.id)).where(col(Actor.external_id) == "demo-actor-001")
    ).scalar_one()
    admin = _me(settings, engine, first_tokens["admin"])
    member = _me(settings, engine, first_tokens["member"])
    assert (admin["name"], admin["role"]) == ("Demo admin", "admin")
    assert (member["name"], member["role"]) == ("Demo member", "member")
    assert member["actor_ids"] == [str(demo_actor)]

    assert main(["demo"]) == 0
    output = capsys.readouterr().out
    assert "0 new actors" in output
    assert session.execute(select(func.count()).select_from(Actor)).scalar_one() == actors
    second_tokens = _demo_tokens(output)
    assert set(second_tokens.values()).isdisjoint(first_tokens.values())
    # The same accounts, with a fresh token each run; the earlier tokens keep working.
    assert _me(settings, engine, second_tokens["admin"]) == admin
    assert _me(settings, engine, second_tokens["member"]) == member
    assert _me(settings, engine, first_tokens["member"]) == member
    assert session.execute(select(func.count()).select_from(Account)).scalar_one() == 2


@pytest.mark.usefixtures("environment")
def test_token_create_prints_a_working_token_last(
    client: TestClient,
    settings: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    actor_ids = sorted([create_actor(client)["id"], create_actor(client)["id"]])
    arguments = ["token", "create", "--role", "member", "--name", "Kreis Olpe"]
    arguments += ["--actor", actor_ids[0], "--actor", actor_ids[1], "--expires-in-days", "30"]
    assert main(arguments) == 0
    captured = capsys.readouterr()
    token = captured.out.splitlines()[-1]
    assert token.startswith("radar_")
    assert captured.out == token + "\n"
    assert "expires: 20" in captured.err
    account = _me(settings, engine, token)
    assert (account["name"], account["role"], account["actor_ids"]) == (
        "Kreis Olpe",
        "member",
        actor_ids,
    )
    (listed,) = client.get(f"/v1/accounts/{account['id']}/tokens").json()["data"]
    assert listed["expires_at"] is not None

    assert main(["token", "create", "--role", "admin", "--name", "Ops"]) == 0
    assert _me(settings, engine, capsys.readouterr().out.splitlines()[-1])["role"] == "admin"


@pytest.mark.usefixtures("environment")
def test_token_create_refuses_an_unknown_actor(
    session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    arguments = ["token", "create", "--role", "member", "--name", "x", "--actor", missing]
    assert main(arguments) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"No actor {missing}" in captured.err
    assert session.execute(select(func.count()).select_from(Account)).scalar_one() == 0


@pytest.mark.parametrize(
    "arguments",
    [
        ["--role", "root", "--name", "x"],
        ["--role", "member"],
        ["--role", "member", "--name", "x", "--actor", "not-a-uuid"],
        ["--role", "member", "--name", "x", "--expires-in-days", "0"],
    ],
)
def test_token_create_rejects_bad_arguments(
    arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["token", "create", *arguments])
    assert exit_info.value.code == 2
    assert "usage: radar token create" in capsys.readouterr().err


@pytest.mark.usefixtures("environment")
@pytest.mark.parametrize(
    ("trusted", "proxy_headers", "allowed"),
    [
        (None, False, []),
        ("10.0.0.5, 192.168.0.0/24", True, ["10.0.0.5/32", "192.168.0.0/24"]),
    ],
)
def test_serve_lets_uvicorn_believe_proxy_headers_only_from_trusted_proxies(
    monkeypatch: pytest.MonkeyPatch,
    trusted: str | None,
    proxy_headers: bool,
    allowed: list[str],
) -> None:
    """uvicorn on its own believes X-Forwarded-For from any loopback peer."""
    if trusted is None:
        monkeypatch.delenv("RADAR_TRUSTED_PROXIES", raising=False)
    else:
        monkeypatch.setenv("RADAR_TRUSTED_PROXIES", trusted)
    runs: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: runs.append(options))
    assert main(["serve", "--port", "8123"]) == 0
    (options,) = runs
    assert (options["proxy_headers"], options["forwarded_allow_ips"]) == (proxy_headers, allowed)
    assert options["port"] == 8123


def test_openapi_export_writes_the_document(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    assert main(["openapi", "--output", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == openapi_document()


def test_unknown_command_exits_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    assert "usage: radar" in capsys.readouterr().err


def test_radar_export_then_import_round_trips(
    environment: None, client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    create_actor(client, external_id="cli-1", name="Kommandozeile GmbH")
    exported = tmp_path / "actors.jsonl"

    assert main(["export", "actors", "--format", "jsonl", "--output", str(exported)]) == 0
    assert json.loads(exported.read_text(encoding="utf-8"))["external_id"] == "cli-1"
    assert main(["import", "actors", str(exported)]) == 0
    assert "0 created, 0 updated, 1 unchanged, 0 superseded by a later row, 0 invalid" in (
        capsys.readouterr().out
    )

    broken = tmp_path / "broken.csv"
    broken.write_text("external_id,name,kind\ncli-2,,company\n", encoding="utf-8")
    assert main(["import", "actors", str(broken), "--dry-run"]) == 1
    captured = capsys.readouterr()
    assert "line 2, name: Field required" in captured.err
    assert "(dry run: nothing written)" in captured.out


@pytest.mark.usefixtures("environment")
def test_radar_match_lists_best_pairs_and_one_actors_partners(
    client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv
    import io

    from tests.factories import TOPIC_AI

    lenne = create_actor(client, name="Lenne KI GmbH", topics=[TOPIC_AI],
                         district="Märkischer Kreis")  # fmt: skip
    siegen = create_actor(client, name="Siegen KI AG", topics=[TOPIC_AI], lat=50.87, lon=8.02,
                          district="Siegen-Wittgenstein")  # fmt: skip
    create_actor(client, name="Dritte GmbH", topics=[], district="Märkischer Kreis")

    assert main(["match", "--district", "Märkischer Kreis",
                 "--with-district", "Siegen-Wittgenstein"]) == 0  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows
    assert {rows[0]["a_id"], rows[0]["b_id"]} == {lenne["id"], siegen["id"]}
    assert float(rows[0]["topics"]) > 0
    assert "Künstliche Intelligenz" in rows[0]["reasons_de"]

    out = tmp_path / "matches.json"
    assert main(["match", "--actor", lenne["id"], "--format", "json", "--output", str(out)]) == 0
    found = json.loads(out.read_text(encoding="utf-8"))["data"]
    assert found[0]["actor"]["id"] == siegen["id"]

    assert main(["match", "--topic", "kunstoff"]) == 1
    assert "Unknown topic 'kunstoff'" in capsys.readouterr().err


def _pair_keys(document: dict[str, Any]) -> set[frozenset[str]]:
    return {frozenset((p["a"]["id"], p["b"]["id"])) for p in document["data"]}


@pytest.mark.usefixtures("environment")
def test_radar_match_leaves_partners_out_unless_asked_for(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.idea_factories import create_idea

    one, partner, third = create_actor(client), create_actor(client), create_actor(client)
    create_idea(client, owner_id=one["id"], participants=[{"actor_id": partner["id"]}])
    partners = frozenset((one["id"], partner["id"]))

    assert main(["match", "--format", "json"]) == 0
    left_out = json.loads(capsys.readouterr().out)
    assert main(["match", "--format", "json", "--include-partners"]) == 0
    included = json.loads(capsys.readouterr().out)
    assert main(["match", "--actor", one["id"], "--format", "json"]) == 0
    actor_left_out = json.loads(capsys.readouterr().out)["data"]
    assert main(["match", "--actor", one["id"], "--format", "json", "--include-partners"]) == 0
    actor_included = json.loads(capsys.readouterr().out)["data"]

    assert partners not in _pair_keys(left_out)
    assert len(_pair_keys(left_out)) == 2
    assert partners in _pair_keys(included)
    assert [m["actor"]["id"] for m in actor_left_out] == [third["id"]]
    assert {m["actor"]["id"] for m in actor_included} == {partner["id"], third["id"]}


@pytest.mark.usefixtures("environment")
def test_radar_match_lists_pairs_best_first(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.factories import TOPIC_AI, TOPIC_HYDROGEN

    create_actor(client, topics=[TOPIC_AI], offers=["KI-Beratung"], seeks=[])
    create_actor(client, kind="university", topics=[TOPIC_AI, TOPIC_HYDROGEN], lat=50.87, lon=8.02)
    create_actor(client, topics=[TOPIC_HYDROGEN], offers=[], seeks=["Elektrolyse"])
    create_actor(client, kind="startup", topics=[], offers=["Elektrolyse"], lat=51.5, lon=7.4)

    assert main(["match", "--format", "json"]) == 0
    pairs = json.loads(capsys.readouterr().out)["data"]

    assert len(pairs) == 6
    scores = [p["score"] for p in pairs]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.usefixtures("environment")
def test_radar_match_says_why_it_found_nothing(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.factories import TOPIC_HYDROGEN
    from tests.idea_factories import create_idea

    one, partner = create_actor(client, topics=[]), create_actor(client, topics=[])

    assert main(["match", "--topic", TOPIC_HYDROGEN]) == 0
    empty_set = capsys.readouterr()
    create_idea(client, owner_id=one["id"], participants=[{"actor_id": partner["id"]}])
    assert main(["match", "--actor", one["id"], "--format", "json"]) == 0
    only_partners = capsys.readouterr()

    assert empty_set.out.splitlines() == [empty_set.out.splitlines()[0]]  # the header alone
    assert empty_set.out.startswith("score,a_id,a_name,")
    assert (
        f"radar match: among (topics: {TOPIC_HYDROGEN}) matches no actor you may see."
        in empty_set.err
    )
    assert json.loads(only_partners.out)["note"]["code"] == "only_partners"
    assert "--include-partners" in only_partners.err
