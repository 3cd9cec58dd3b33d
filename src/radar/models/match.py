"""API shapes of match suggestions: who could work together, and why."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

import pydantic
import sqlalchemy as sa
from pydantic import model_validator
from pydantic_core import PydanticCustomError
from sqlmodel import Field, SQLModel

from radar.models.actor import ActorKind
from radar.models.base import Boolean, InputModel, Integer, Number, enum_type, new_id, utcnow

# The suggestion shapes below are plain pydantic models, not SQLModel: every match request builds
# some hundred of them, and pydantic validates a whole suggestion list from dicts in a fifth of
# the time SQLModel takes merely to construct it (0.06 ms against 0.29 ms for 20 suggestions).


class MatchedActor(pydantic.BaseModel):
    id: uuid.UUID
    name: str
    kind: ActorKind
    district: str | None


class MatchReason(pydantic.BaseModel):
    """Why a suggestion was made, or what speaks against it: those for it come first, by their
    share of the score; those against it (`against`) last."""

    component: str = pydantic.Field(description="The signal this reason explains.")
    de: str
    en: str
    against: bool = pydantic.Field(
        default=False,
        description="True when the reason speaks against the match: far away, no shared "
        "topic, a different action field, nothing offered that the asking side seeks.",
    )


class ActorMatch(pydantic.BaseModel):
    actor: MatchedActor
    score: float = pydantic.Field(description="The weighted total of the components, in [0, 1].")
    components: dict[str, float] = pydantic.Field(
        description="Each signal's value in [0, 1]: topics, action_fields, proximity, "
        "complementarity, kinds, network, activity."
    )
    weights: dict[str, float] = pydantic.Field(
        description="The weight each component had in the score."
    )
    reasons: list[MatchReason]
    distance_km: float | None = pydantic.Field(
        default=None, description="Distance between the shown locations, where both have one."
    )
    feedback: str | None = pydantic.Field(
        default=None, description="`accepted` when the actor's managers took this one up."
    )


class MatchNote(pydantic.BaseModel):
    """Why a list of suggestions is empty, and what to change."""

    code: str = pydantic.Field(
        description="not_indexed (written a moment ago: try again), no_candidates (nothing you "
        "may see to suggest), filtered_out (the filters leave none), only_partners (all that "
        "remain work together already), already_in (the actor takes part in every one), "
        "all_dismissed (feedback dismissed all), below_min_score (none reaches `min_score`), "
        "empty_set (a side of a match query holds no actor you may see)."
    )
    de: str = pydantic.Field(description="The reason in German.")
    en: str = pydantic.Field(description="The reason in English.")


_NOTE_DESCRIPTION = "Why `data` is empty (only then)."


class ActorMatches(pydantic.BaseModel):
    data: list[ActorMatch]
    note: MatchNote | None = pydantic.Field(default=None, description=_NOTE_DESCRIPTION)


class FeedbackAction(StrEnum):
    accepted = "accepted"
    dismissed = "dismissed"


class MatchFeedback(SQLModel, table=True):
    """What an actor's managers said about a suggestion: a dismissed pair is never suggested
    again (either way round); an accepted one is recorded. One row per pair, the latest word."""

    __tablename__ = "match_feedback"
    __table_args__ = (sa.UniqueConstraint("actor_id", "target_id", name="uq_match_feedback_pair"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    actor_id: uuid.UUID = Field(foreign_key="actor.id", ondelete="CASCADE", index=True)
    target_id: uuid.UUID = Field(foreign_key="actor.id", ondelete="CASCADE", index=True)
    action: FeedbackAction = Field(sa_type=enum_type(FeedbackAction))
    account_id: uuid.UUID | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)


class MatchFeedbackCreate(InputModel):
    actor_id: uuid.UUID = Field(description="The actor the suggestion was made for.")
    target_id: uuid.UUID = Field(description="The suggested actor.")
    action: Literal["accept", "dismiss"] = Field(
        description="accept: record that the suggestion was taken up; dismiss: never suggest "
        "this pair again."
    )


class MatchFeedbackPublic(SQLModel):
    id: uuid.UUID
    actor_id: uuid.UUID
    target_id: uuid.UUID
    action: FeedbackAction
    created_at: datetime


class MatchFeedbackList(SQLModel):
    data: list[MatchFeedbackPublic]


class Coverage(SQLModel):
    topics: list[str] = Field(description="Sought topic slugs.")
    kinds: list[ActorKind] = Field(description="Sought actor kinds.")


class ConsortiumMember(SQLModel):
    actor: MatchedActor
    score: float = Field(description="The actor's match score for the idea, in [0, 1].")
    covers: Coverage = Field(description="What it brings that the idea seeks and no one before.")
    reasons: list[MatchReason]


class Consortium(SQLModel):
    """A proposed team for an idea: chosen one by one for what they add to what is covered."""

    idea_id: uuid.UUID
    members: list[ConsortiumMember]
    covered: Coverage = Field(description="What the idea seeks that the team (with its current "
                              "participants) covers.")  # fmt: skip
    open: Coverage = Field(description="What the idea seeks that no one proposed covers.")


class MatchedIdea(SQLModel):
    id: uuid.UUID
    title: str
    kind: str
    status: str
    district: str | None


class IdeaMatch(SQLModel):
    idea: MatchedIdea
    score: float = Field(description="The weighted total of the components, in [0, 1].")
    components: dict[str, float] = Field(
        description="Each signal's value in [0, 1]; `activity` is how many take part already."
    )
    weights: dict[str, float]
    reasons: list[MatchReason]
    distance_km: float | None = None


class IdeaMatches(SQLModel):
    data: list[IdeaMatch]
    note: MatchNote | None = Field(default=None, description=_NOTE_DESCRIPTION)


class MatchedGroup(SQLModel):
    id: uuid.UUID
    name: str
    join_policy: str


class GroupMatch(SQLModel):
    group: MatchedGroup
    score: float = Field(description="The weighted total of the components, in [0, 1].")
    components: dict[str, float] = Field(
        description="Each signal's value in [0, 1]; `activity` is how many take part already."
    )
    weights: dict[str, float]
    reasons: list[MatchReason]
    distance_km: float | None = None


class GroupMatches(SQLModel):
    data: list[GroupMatch]
    note: MatchNote | None = Field(default=None, description=_NOTE_DESCRIPTION)


class ActorSet(InputModel):
    """A set of actors by the list filters (any value within a filter, all filters at once)."""

    districts: list[str] = Field(default_factory=list, max_length=50)
    topics: list[str] = Field(default_factory=list, max_length=50)
    action_fields: list[str] = Field(default_factory=list, max_length=20)
    kinds: list[ActorKind] = Field(default_factory=list, max_length=8)


def _both_partner_flags(value: bool) -> dict[str, Any]:
    flag = {"const": value}
    return {
        "required": ["include_partners", "exclude_partners"],
        "properties": {"include_partners": flag, "exclude_partners": flag},
    }


class MatchQuery(InputModel):
    """Best pairs among actors: within one set (`among`), or between it and another (`with`)."""

    # The document says what `_one_partner_flag` refuses: the two flags saying the same.
    model_config = {
        "json_schema_extra": {
            "not": {"anyOf": [_both_partner_flags(True), _both_partner_flags(False)]}
        }
    }

    among: ActorSet = Field(default_factory=ActorSet, description="One side of each pair.")
    with_: ActorSet | None = Field(
        default=None,
        alias="with",
        description="The other side; left out, pairs are within `among`.",
    )
    min_score: Number = Field(default=0.0, ge=0, le=1)
    include_partners: Boolean = Field(
        default=False,
        description="Also list pairs already working together (sharing an idea or joint "
        "project); left out by default.",
    )
    # sqlmodel's Field takes no `deprecated`; pydantic's marks it so in the OpenAPI document.
    exclude_partners: Boolean | None = pydantic.Field(
        default=None,
        deprecated=True,
        description="Deprecated: use `include_partners` (its opposite). Still accepted; refused "
        "when given with an `include_partners` that contradicts it.",
    )
    limit: Integer = Field(default=50, ge=1, le=1000)

    @model_validator(mode="after")
    def _one_partner_flag(self) -> "MatchQuery":
        # Read past the deprecation warning that reading the field gives callers.
        excluded = self.__dict__.get("exclude_partners")
        if excluded is None:
            return self
        if "include_partners" not in self.model_fields_set:
            self.include_partners = not excluded
        elif self.include_partners == excluded:
            raise PydanticCustomError(
                "partner_flags",
                "exclude_partners contradicts include_partners; give include_partners only",
                {"field": "exclude_partners"},
            )
        return self


class MatchedPair(SQLModel):
    a: MatchedActor = Field(
        description="The actor the score, components and reasons are seen from: the one from "
        "`among` (within one set, either)."
    )
    b: MatchedActor
    score: float = Field(
        description="The weighted total of the components, in [0, 1]: pairs are listed by it, "
        "highest first (ties by the two ids)."
    )
    components: dict[str, float]
    reasons: list[MatchReason]
    distance_km: float | None = None


class MatchPairs(SQLModel):
    data: list[MatchedPair]
    note: MatchNote | None = Field(default=None, description=_NOTE_DESCRIPTION)
    scanned: int = Field(description="Actors on the `among` side scored against the other.")


class MatchAnnouncement(SQLModel, table=True):
    """A pair already announced with `match.found`: announced once, not on every change."""

    __tablename__ = "match_announcement"
    __table_args__ = (sa.UniqueConstraint("actor_id", "other_id", name="uq_match_announcement"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    actor_id: uuid.UUID = Field(foreign_key="actor.id", ondelete="CASCADE", index=True)
    other_id: uuid.UUID = Field(foreign_key="actor.id", ondelete="CASCADE", index=True)
    score: float
    created_at: datetime = Field(default_factory=utcnow)


class IdeaMatchAnnouncement(SQLModel, table=True):
    """An (idea, actor) pair already announced with `match.found`."""

    __tablename__ = "idea_match_announcement"
    __table_args__ = (
        sa.UniqueConstraint("idea_id", "actor_id", name="uq_idea_match_announcement"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    idea_id: uuid.UUID = Field(foreign_key="idea.id", ondelete="CASCADE", index=True)
    actor_id: uuid.UUID = Field(foreign_key="actor.id", ondelete="CASCADE", index=True)
    score: float
    created_at: datetime = Field(default_factory=utcnow)
