"""Actors: the organisations on the radar, with topics, offers, seeks and a location."""

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from pydantic import EmailStr
from sqlmodel import Field, Relationship, SQLModel

from radar.models.action_field import ActionField
from radar.models.base import (
    MAX_TAGS,
    MAX_TOPICS,
    ExternalId,
    GeocodeFields,
    InputModel,
    IsoDate,
    LocationFields,
    Name,
    Number,
    Page,
    Slug,
    Tag,
    UpdateModel,
    enum_type,
    new_id,
    utcnow,
)
from radar.models.topic import Topic

WEBSITE_PATTERN = r"^https?://[^\s/$.?#][^\s]*$"
PHONE_PATTERN = r"^\+?[0-9 ()/\-]{3,40}$"


class ActorKind(StrEnum):
    company = "company"
    university = "university"
    research_institute = "research_institute"
    startup = "startup"
    network = "network"
    chamber = "chamber"
    public_body = "public_body"
    other = "other"


class Visibility(StrEnum):
    public = "public"
    members = "members"
    private = "private"


class LocationPrecision(StrEnum):
    exact = "exact"
    postcode = "postcode"
    city = "city"
    hidden = "hidden"


class ActorTopic(SQLModel, table=True):
    __tablename__ = "actor_topic"

    actor_id: uuid.UUID = Field(foreign_key="actor.id", primary_key=True, ondelete="CASCADE")
    topic_slug: str = Field(foreign_key="topic.slug", primary_key=True, index=True)


class ActorActionField(SQLModel, table=True):
    __tablename__ = "actor_action_field"

    actor_id: uuid.UUID = Field(foreign_key="actor.id", primary_key=True, ondelete="CASCADE")
    action_field_slug: str = Field(foreign_key="action_field.slug", primary_key=True, index=True)


class ActorBase(LocationFields):
    name: str = Field(min_length=1, max_length=200)
    kind: ActorKind = Field(sa_type=enum_type(ActorKind), index=True)
    description: str = Field(default="", max_length=10_000, sa_type=sa.Text)
    website: str | None = Field(
        default=None, max_length=500, schema_extra={"pattern": WEBSITE_PATTERN}
    )
    contact_email: EmailStr | None = Field(
        default=None, max_length=254, description="Personal data: never in public outputs."
    )
    contact_phone: str | None = Field(
        default=None,
        max_length=40,
        schema_extra={"pattern": PHONE_PATTERN},
        description="Personal data: never in public outputs.",
    )
    location_precision: LocationPrecision = Field(
        default=LocationPrecision.exact, sa_type=enum_type(LocationPrecision)
    )
    visibility: Visibility = Field(default=Visibility.members, sa_type=enum_type(Visibility))
    external_id: str | None = Field(
        default=None,
        max_length=200,
        unique=True,
        description="Partner-side identifier, unique, for idempotent upserts.",
    )
    member_since: IsoDate | None = None


class Actor(ActorBase, GeocodeFields, table=True):
    __tablename__ = "actor"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    tags: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    offers: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    seeks: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    # The taxonomy topic each term resolved to (None where none), parallel to the term lists,
    # resolved on every write of them so that readers need no normaliser.
    offer_topics: list[str | None] = Field(default_factory=list, sa_type=sa.JSON)
    seek_topics: list[str | None] = Field(default_factory=list, sa_type=sa.JSON)
    tag_topics: list[str | None] = Field(default_factory=list, sa_type=sa.JSON)
    search_text: str = Field(default="", sa_type=sa.Text)
    # Where the location appears to those who do not manage the actor (at its precision; None
    # when hidden), kept on every write so that maps and matching need no gazetteer lookups.
    shown_lat: float | None = Field(default=None)
    shown_lon: float | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    version: int = Field(default=1)

    topics: list[Topic] = Relationship(link_model=ActorTopic)
    action_fields: list[ActionField] = Relationship(link_model=ActorActionField)

    def shown_location(self) -> tuple[float, float] | None:
        """Where the location appears to those who do not manage the actor."""
        from radar.geo.privacy import kept_or_shown_point

        return kept_or_shown_point(
            (self.shown_lat, self.shown_lon),
            self.location_precision,
            self.lat,
            self.lon,
            self.postcode,
            self.city,
        )

    def refresh_shown_location(self) -> None:
        """Recompute `shown_lat`/`shown_lon` from the location and its precision."""
        from radar.geo.privacy import shown_point

        point = shown_point(self.location_precision, self.lat, self.lon, self.postcode, self.city)
        self.shown_lat, self.shown_lon = point if point is not None else (None, None)


@sa.event.listens_for(Actor, "before_insert")
@sa.event.listens_for(Actor, "before_update")
def _keep_shown_location(mapper: object, connection: object, actor: Actor) -> None:
    actor.refresh_shown_location()


class ActorCreate(ActorBase, InputModel):
    name: Name
    external_id: ExternalId | None = None
    topics: list[Slug] = Field(default_factory=list, max_length=MAX_TOPICS)
    action_fields: list[Slug] = Field(default_factory=list, max_length=10)
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    offers: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    seeks: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)


class ActorUpdate(UpdateModel):
    # A default of None on a non-optional type: the field may be left out, but not set to null.
    name: Name = Field(default=None)
    kind: ActorKind = Field(default=None)
    description: str = Field(default=None, max_length=10_000)
    website: str | None = Field(
        default=None, max_length=500, schema_extra={"pattern": WEBSITE_PATTERN}
    )
    contact_email: EmailStr | None = Field(default=None, max_length=254)
    contact_phone: str | None = Field(
        default=None, max_length=40, schema_extra={"pattern": PHONE_PATTERN}
    )
    street: str | None = Field(default=None, max_length=200)
    postcode: str | None = Field(
        default=None, max_length=16, schema_extra={"pattern": r"^[A-Za-z0-9 \-]{2,16}$"}
    )
    city: str | None = Field(default=None, max_length=120)
    district: str | None = Field(default=None, max_length=120)
    country: str = Field(default=None, max_length=2, schema_extra={"pattern": r"^[A-Z]{2}$"})
    lat: Number | None = Field(default=None, ge=-90, le=90)
    lon: Number | None = Field(default=None, ge=-180, le=180)
    location_precision: LocationPrecision = Field(default=None)
    visibility: Visibility = Field(default=None)
    external_id: ExternalId | None = None
    member_since: IsoDate | None = None
    topics: list[Slug] = Field(default=None, max_length=MAX_TOPICS)
    action_fields: list[Slug] = Field(default=None, max_length=10)
    tags: list[Tag] = Field(default=None, max_length=MAX_TAGS)
    offers: list[Tag] = Field(default=None, max_length=MAX_TAGS)
    seeks: list[Tag] = Field(default=None, max_length=MAX_TAGS)


class ActorPublic(ActorBase, GeocodeFields):
    id: uuid.UUID
    distance_km: float | None = Field(
        default=None, description="Distance from `near` / `near_actor`, when the list has one."
    )
    topics: list[str]
    action_fields: list[str]
    tags: list[str]
    offers: list[str]
    seeks: list[str]
    offer_topics: list[str | None] = Field(
        description="The taxonomy topic each offer resolved to, in the order of `offers`; null "
        "where none (it still meets the same free term)."
    )
    seek_topics: list[str | None] = Field(
        description="The taxonomy topic each sought term resolved to, in the order of `seeks`; "
        "null where none (it still meets the same free term)."
    )
    tag_topics: list[str | None] = Field(
        description="The taxonomy topic each tag resolved to, in the order of `tags`; null "
        "where none (it still meets the same free term)."
    )
    created_at: datetime
    updated_at: datetime
    version: int


class ActorsPublic(Page):
    data: list[ActorPublic]
