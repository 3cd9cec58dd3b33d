"""The `radar` command with hostile input: a CSV it cannot read is refused naming the line
(no traceback, nothing written), and the CSV it writes neutralises spreadsheet formulas."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from radar.cli import main
from radar.models.actor import Actor
from radar.settings import get_settings
from tests.factories import TOPIC_AI, create_actor
from tests.group_factories import count_rows


@pytest.fixture
def environment(
    monkeypatch: pytest.MonkeyPatch, database_url: str, engine: Engine
) -> Iterator[None]:
    """Point the command at the test database (settings come from RADAR_* variables)."""
    monkeypatch.setenv("RADAR_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("environment")
def test_radar_import_refuses_a_cell_over_the_csv_limit_naming_the_line(
    tmp_path: Path, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "x" * (csv.field_size_limit() + 1)
    source = tmp_path / "actors.csv"
    source.write_text(
        f"external_id,name,kind\nc1,Erste GmbH,company\nc2,{huge},company\n", encoding="utf-8"
    )

    assert main(["import", "actors", str(source)]) == 1

    err = capsys.readouterr().err
    assert f"radar import: {source}: line 3 cannot be read" in err
    assert "Traceback" not in err
    assert count_rows(session, Actor) == 0


@pytest.mark.usefixtures("environment")
def test_radar_match_csv_neutralises_formulas_and_keeps_scores_numeric(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    create_actor(client, name="=Lenne KI", topics=[TOPIC_AI], district="Märkischer Kreis")
    create_actor(client, name="@Siegen KI", topics=[TOPIC_AI], district="Siegen-Wittgenstein",
                 lat=50.87, lon=8.02)  # fmt: skip

    assert main(["match", "--district", "Märkischer Kreis",
                 "--with-district", "Siegen-Wittgenstein"]) == 0  # fmt: skip

    [row] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert (row["a_name"], row["b_name"]) == ("'=Lenne KI", "'@Siegen KI")
    assert 0 < float(row["score"]) <= 1
