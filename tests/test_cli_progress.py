"""Long CLI work (import, export, geocode --pending, match) shows a progress bar on a terminal
and stays quiet when its stderr is piped."""

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import Session

from radar.cli import main
from radar.geo.base import GeocodeStatus
from radar.models.actor import Actor
from radar.settings import get_settings
from tests.factories import create_actor


class Terminal(io.StringIO):
    """A stderr that says it is a terminal, as an interactive shell's is."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def environment(
    monkeypatch: pytest.MonkeyPatch, database_url: str, engine: Engine
) -> Iterator[None]:
    monkeypatch.setenv("RADAR_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def two_actors(client: TestClient, engine: Engine) -> None:
    create_actor(client, external_id="p-1", name="Erste GmbH")
    create_actor(client, external_id="p-2", name="Zweite GmbH")
    with Session(engine) as session:  # both waiting for a geocoding retry
        session.execute(update(Actor).values(geocode_status=GeocodeStatus.pending))
        session.commit()


COMMANDS = {
    "export": (["export", "actors", "--format", "csv"], "exporting actors", "2/2"),
    "geocode": (["geocode", "--pending"], "geocoding actors", "2/2"),
    "match": (["match"], "matching", "2/2"),
}


@pytest.mark.usefixtures("environment", "two_actors")
@pytest.mark.parametrize("command", COMMANDS)
def test_a_terminal_sees_a_progress_bar(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    argv, label, done = COMMANDS[command]
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    assert main(argv) == 0

    shown = terminal.getvalue()
    assert label in shown
    assert "100%" in shown
    assert done in shown
    assert "%" not in capsys.readouterr().out  # the bar never mixes into the output


@pytest.mark.usefixtures("environment", "two_actors")
@pytest.mark.parametrize("command", COMMANDS)
def test_a_pipe_gets_no_progress_bar(capsys: pytest.CaptureFixture[str], command: str) -> None:
    argv, label, _done = COMMANDS[command]

    assert main(argv) == 0

    captured = capsys.readouterr()
    assert label not in captured.err
    assert "%|" not in captured.err


@pytest.mark.usefixtures("environment", "two_actors")
def test_import_shows_its_rows_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = tmp_path / "actors.csv"
    source.write_text(
        "external_id,name,kind\np-3,Dritte GmbH,company\np-4,Vierte GmbH,company\n",
        encoding="utf-8",
    )
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    assert main(["import", "actors", str(source)]) == 0

    assert "importing actors" in terminal.getvalue()
    assert "2/2" in terminal.getvalue()
