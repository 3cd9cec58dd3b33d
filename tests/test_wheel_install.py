"""The wheel as it is installed: it ships the migrations inside the package, and its `radar db
upgrade` takes an empty database to the newest schema without the checkout."""

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

import radar.models  # noqa: F401  (registers every table on the metadata)
from radar.db import alembic_config
from radar.models.base import metadata

ROOT = Path(__file__).resolve().parents[1]
# This environment's pip, offline: the wheel is built by hatchling (a dev dependency) without
# build isolation and installed without its dependencies.
PIP = [sys.executable, "-m", "pip", "--quiet", "--no-input", "--disable-pip-version-check"]
OFFLINE = ["--no-index", "--no-deps"]


def _run(command: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a command; fail the test with its output when it fails."""
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=cwd, env=env)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from the checkout by hatchling (a dev dependency), offline."""
    dist = tmp_path_factory.mktemp("dist")
    _run([*PIP, "wheel", *OFFLINE, "--no-build-isolation", "--wheel-dir", str(dist), str(ROOT)])
    (built,) = dist.glob("radar-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel installed; its dependencies are this environment's
    (a .pth file points at our site-packages, whose own .pth files, such as the editable
    install's, are not read), so nothing is downloaded. Returns the venv's bin directory."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=False, symlinks=os.name != "nt")
    bin_dir = home / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).strip()
    )
    ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (site / "_radar_test_dependencies.pth").write_text("".join(f"{path}\n" for path in ours))
    _run([*PIP, "--python", str(python), "install", *OFFLINE, str(wheel)])
    return bin_dir


def _clean_environment(**variables: str) -> dict[str, str]:
    """This environment without our RADAR_* settings or an import path, plus `variables`."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("RADAR_") and name not in {"PYTHONPATH", "PYTHONHOME"}
    }
    return {**kept, **variables}


def test_the_wheel_ships_the_migrations_inside_the_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"radar/migrations/env.py", "radar/migrations/script.py.mako"} <= names
    versions = {path.name for path in (ROOT / "migrations" / "versions").glob("*.py")}
    assert versions, "no migrations in the checkout"
    shipped = {
        name.removeprefix("radar/migrations/versions/")
        for name in names
        if name.startswith("radar/migrations/versions/") and name.endswith(".py")
    }
    assert shipped == versions
    assert not any(name.startswith("migrations/") for name in names)


def test_the_installed_radar_upgrades_an_empty_database_to_head(
    installed: Path, tmp_path: Path
) -> None:
    work = tmp_path / "elsewhere"  # no checkout and no .env around the command
    work.mkdir()
    python = installed / ("python.exe" if os.name == "nt" else "python")
    found = _run(
        [str(python), "-c", "from radar.db import migrations_directory as m; print(m())"],
        cwd=work,
        env=_clean_environment(),
    ).strip()
    # The migrations the installed package runs are its own, not the checkout's.
    assert Path(found).is_relative_to(installed.parent), found
    assert Path(found).parts[-2:] == ("radar", "migrations")

    database = tmp_path / "radar.db"
    url = f"sqlite:///{database}"
    radar = installed / ("radar.exe" if os.name == "nt" else "radar")
    _run([str(radar), "db", "upgrade"], cwd=work, env=_clean_environment(RADAR_DATABASE_URL=url))

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            revisions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
            topics = connection.execute(text("SELECT count(*) FROM topic")).scalar_one()
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert [revision for (revision,) in revisions] == [head]
    assert tables == set(metadata.tables) | {"alembic_version"}
    assert topics > 0  # the seed migration ran too
