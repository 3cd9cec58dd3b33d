"""`radar report`: the report written as HTML or PDF, to a file or standard output, with a
progress bar on a terminal only, and a clear refusal (exit 2) of an unknown filter."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from radar.cli import main
from radar.report.charts import CHARTS
from radar.settings import get_settings
from tests.factories import FIELD_PRODUCTION
from tests.statistics_region import build_region


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
def test_radar_report_writes_the_html_report(
    client: TestClient,
    engine: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build_region(client, engine)
    output = tmp_path / "olpe.html"

    status = main(
        ["report", "--output", str(output), "--lang", "en", "--district", "Olpe",
         "--action-field", FIELD_PRODUCTION]
    )  # fmt: skip

    assert status == 0
    page = output.read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert page.count("<svg ") == len(CHARTS)
    # The command sees as an admin: the private company in Olpe counts too.
    assert "<dt>Actors</dt><dd>3</dd>" in page
    assert "Districts: Olpe" in page
    # Piped (as here), standard error has no progress bar: only what was written.
    assert capsys.readouterr().err == f"wrote {output}\n"


@pytest.mark.usefixtures("environment")
def test_radar_report_writes_the_pdf_report_and_to_standard_output(
    client: TestClient,
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build_region(client, engine)
    monkeypatch.chdir(tmp_path)

    assert main(["report", "--format", "pdf"]) == 0
    assert main(["report", "--output", "-"]) == 0

    assert (tmp_path / "radar-report.pdf").read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "radar-report.html").exists()
    captured = capsys.readouterr()
    assert captured.out.startswith("<!DOCTYPE html>")
    assert '<html lang="de">' in captured.out
    assert captured.err == "wrote radar-report.pdf\n"


@pytest.mark.usefixtures("environment")
def test_radar_report_shows_its_progress_on_a_terminal(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)

    assert main(["report", "--output", str(tmp_path / "empty.html")]) == 0

    err = capsys.readouterr().err
    assert "report: 100%" in err
    assert "9/9" in err


@pytest.mark.usefixtures("environment")
@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--district", "Olpee", "radar report: Unknown district 'Olpee'; did you mean Olpe"),
        (
            "--action-field",
            "circular-economie",
            "radar report: Unknown action field 'circular-economie'; did you mean circular-economy",
        ),
    ],
)
def test_an_unknown_filter_is_a_usage_error(
    client: TestClient,
    engine: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
    message: str,
) -> None:
    build_region(client, engine)
    output = tmp_path / "report.html"

    status = main(["report", "--output", str(output), option, value])

    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert "Traceback" not in err
    assert not output.exists()


def test_a_format_or_language_it_has_not_is_refused_by_argparse(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for arguments in (["--format", "docx"], ["--lang", "fr"]):
        with pytest.raises(SystemExit) as exited:
            main(["report", *arguments])
        assert exited.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err
