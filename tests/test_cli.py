"""The `radar` command: schema upgrades, the demo data set and the OpenAPI export."""

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from radar.api.app import openapi_document
from radar.cli import main
from radar.models.actor import Actor
from radar.settings import get_settings


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, database_url: str, engine: Engine) -> None:
    """Point the command at the test database (settings come from RADAR_* variables)."""
    monkeypatch.setenv("RADAR_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("environment")
def test_db_upgrade_and_demo(session: Session, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert main(["demo"]) == 0
    assert "new actors" in capsys.readouterr().out
    actors = session.execute(select(func.count()).select_from(Actor)).scalar_one()
    assert actors >= 60
    assert main(["demo"]) == 0
    assert "0 new actors" in capsys.readouterr().out
    assert session.execute(select(func.count()).select_from(Actor)).scalar_one() == actors


def test_openapi_export_writes_the_document(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    assert main(["openapi", "--output", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == openapi_document()


def test_unknown_command_exits_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    assert "usage: radar" in capsys.readouterr().err
