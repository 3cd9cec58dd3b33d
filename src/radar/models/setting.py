"""Settings admins change at run time, shared by every process through the database."""

from datetime import datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from pydantic import Strict
from sqlmodel import Field, SQLModel

from radar.models.base import InputModel, Number, utcnow

# The components of a match score (`matching.engine.COMPONENTS`).
MatchComponent = Literal[
    "topics", "action_fields", "proximity", "complementarity", "kinds", "network", "activity"
]
Weight = Annotated[float, Strict(), Field(ge=0, le=1)]


class StoredSetting(SQLModel, table=True):
    __tablename__ = "stored_setting"

    key: str = Field(primary_key=True, max_length=64)
    value: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    updated_at: datetime = Field(default_factory=utcnow)


class MatchTuningPublic(SQLModel):
    """How matches are scored now."""

    weights: dict[str, float] = Field(description="Each component's weight (they are "
                                      "normalised to sum to 1).")  # fmt: skip
    half_distance_km: float = Field(description="Distance at which proximity falls to ½.")
    defaults: dict[str, float] = Field(description="The weights that measure best.")
    changed_at: datetime | None = Field(description="When an admin last changed them.")


class MatchTuningUpdate(InputModel):
    """New weights (components left out keep theirs) and/or half-distance."""

    weights: dict[MatchComponent, Weight] = Field(
        default_factory=dict,
        description="Component weights to set, each in [0, 1] (normalised to sum to 1 when "
        "scoring); at least one weight must stay above 0.",
    )
    half_distance_km: Number | None = Field(default=None, gt=0, le=1000)
