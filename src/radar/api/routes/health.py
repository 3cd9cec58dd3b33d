"""Liveness and readiness probes."""

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import text

from radar.api.errors import problems
from radar.errors import Unavailable

router = APIRouter(tags=["health"])


class Status(BaseModel):
    status: str


@router.get("/health", response_model=Status)
def health() -> Status:
    """The process is up (no dependencies checked)."""
    return Status(status="ok")


@router.get("/ready", response_model=Status, responses=problems(503))
def ready(request: Request) -> Status:
    """The database is reachable."""
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        raise Unavailable(f"database unreachable: {type(error).__name__}") from error
    return Status(status="ok")
