"""API shapes of match suggestions: who could work together, and why."""

import uuid

from sqlmodel import Field, SQLModel

from radar.models.actor import ActorKind


class MatchedActor(SQLModel):
    id: uuid.UUID
    name: str
    kind: ActorKind
    district: str | None


class MatchReason(SQLModel):
    component: str = Field(description="The signal this reason explains.")
    de: str
    en: str


class ActorMatch(SQLModel):
    actor: MatchedActor
    score: float = Field(description="The weighted total of the components, in [0, 1].")
    components: dict[str, float] = Field(
        description="Each signal's value in [0, 1]: topics, action_fields, proximity, "
        "complementarity, kinds, network, activity."
    )
    weights: dict[str, float] = Field(description="The weight each component had in the score.")
    reasons: list[MatchReason]
    distance_km: float | None = Field(
        default=None, description="Distance between the shown locations, where both have one."
    )


class ActorMatches(SQLModel):
    data: list[ActorMatch]
