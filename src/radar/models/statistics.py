"""API shapes of statistics: actor counts by one dimension or two, needs and offers (gaps),
growth per month, the collaboration network and the match potential of a region."""

import uuid
from enum import StrEnum

from sqlmodel import Field, SQLModel

from radar.models.actor import ActorKind
from radar.models.match import MatchedPair


class ActorDimension(StrEnum):
    """What actor counts are grouped by."""

    district = "district"
    kind = "kind"
    topic = "topic"
    action_field = "action_field"
    country = "country"


class CountBucket(SQLModel):
    key: str | None
    count: int


class ActorStatistics(SQLModel):
    """How many actors (that the caller may see, matching the filters) fall in each group.

    `total` counts each actor once; with `topic` or `action_field` an actor counts in each of
    its groups, so the buckets may add up to more. `key` null: actors without a value."""

    group_by: ActorDimension
    total: int
    data: list[CountBucket]


class CrossCell(SQLModel):
    row: str | None = Field(description="The row's value; null: actors without one.")
    column: str | None = Field(description="The column's value; null: actors without one.")
    count: int = Field(description="Actors with both values.")


class CrossTable(SQLModel):
    """Actors counted by two dimensions at once, one cell per pair of values that occurs.

    An actor counts once in each cell it falls in: with a topic or action-field dimension in
    each of its topics or fields, so cells (and the totals per row or column) may add up to
    more than `total`. With `roll_up`, topics count under their top-level topic (an actor with
    two topics below one counts there once)."""

    rows: ActorDimension
    columns: ActorDimension
    roll_up: bool
    total: int = Field(description="Actors counted, each once.")
    row_totals: list[CountBucket] = Field(description="Actors per row value, largest first.")
    column_totals: list[CountBucket] = Field(description="Actors per column value, largest first.")
    data: list[CrossCell] = Field(description="The cells, ordered by row, then column.")


class NearbyActor(SQLModel):
    id: uuid.UUID
    name: str
    district: str | None
    distance_km: float | None = Field(
        description="From the nearest seeker with the need unmet, between the places the "
        "two are shown at; null where either shows none."
    )


class GapRow(SQLModel):
    district: str | None = Field(
        description="With `per_district`: the district of the seekers and offerers counted "
        "(null: none); otherwise always null."
    )
    term: str = Field(description="The topic's slug, or a free term as its first seeker wrote it.")
    topic: bool = Field(description="Whether `term` is a taxonomy topic (else a free term).")
    label_de: str
    label_en: str
    seekers: int = Field(description="Actors that seek it.")
    offerers: int = Field(description="Actors that offer it (the term itself).")
    unmet: int = Field(
        description="Seekers whose need nobody inside meets (within `within_km` of them, when "
        "given)."
    )
    nearest_outside: list[NearbyActor] = Field(
        description="Where some need is unmet: the actors outside that meet it, nearest first."
    )


class Gaps(SQLModel):
    """What the actors inside (those you may see, matching the filters) seek, and whether
    anyone inside meets it — by an offer of the term or of a topic one level below it, or by
    working on the topic (a match's "need met in full"). With `within_km` only actors inside
    that distance of the seeker count; a seeker showing no place is judged by the rest.
    Outside: the other actors you may see, and those inside beyond the distance."""

    per_district: bool
    within_km: float | None
    seekers: int = Field(description="Actors inside that seek anything.")
    needs: int = Field(description="Needs stated inside (an actor seeking a term counts once).")
    unmet: int = Field(description="Needs that nobody inside meets.")
    terms: int = Field(description="Rows there are; `data` holds the first `limit`.")
    data: list[GapRow] = Field(description="Most unmet needs first, then most seekers.")


class GrowthDimension(StrEnum):
    """What growth figures are broken down by."""

    district = "district"
    action_field = "action_field"


class GrowthRow(SQLModel):
    month: str = Field(description="`YYYY-MM`, in UTC.", schema_extra={"examples": ["2026-03"]})
    key: str | None = Field(
        description="With `by`: the district or action field (null: none); otherwise null."
    )
    actors: int
    ideas: int
    groups: int
    news: int
    memberships: int = Field(description="Actors joining a working group (active members).")
    collaborations: int = Field(
        description="Ideas and joint projects that a second actor took part in this month."
    )


class Growth(SQLModel):
    """What was new per month, among what you may see: actors, ideas, working groups, news,
    group memberships and collaborations (ideas with at least two actors taking part, the
    owner counted; dated when the second joined). By district or action field: actors,
    memberships and news by the actor's (the author's); ideas and collaborations by the
    idea's; groups by their action fields (they have no district). With actor filters, only
    what concerns the actors chosen: they themselves, their memberships and news, and the
    ideas, collaborations and groups they take part in."""

    by: GrowthDimension | None
    data: list[GrowthRow] = Field(description="Months with anything new, oldest first.")


class DistrictTies(SQLModel):
    district_a: str | None
    district_b: str | None = Field(description="Equal to `district_a`: ties within a district.")
    project_ties: int
    group_ties: int
    ties: int = Field(description="Pairs tied either way (a pair tied both ways counts once).")


class ComponentSize(SQLModel):
    size: int = Field(description="Actors in a connected part.")
    count: int = Field(description="Parts of that size.")


class Bridge(SQLModel):
    id: uuid.UUID
    name: str
    district: str | None
    kind: ActorKind
    parts: int = Field(description="Into how many parts its network falls without it.")
    cut_off: int = Field(description="Actors that would lose their link to the largest part.")


class TieCounts(SQLModel):
    projects: int = Field(description="Pairs of actors taking part in an idea together.")
    groups: int = Field(description="Pairs of actors active in a working group together.")
    total: int = Field(description="Pairs tied either way, each once.")
    within_districts: int
    across_districts: int


class Network(SQLModel):
    """Who works with whom among the actors you may see (matching the filters): a tie is a
    pair sharing an idea or joint project (owner included), or active in one working group;
    only ties among the actors counted."""

    actors: int
    isolated: int = Field(description="Actors without any tie.")
    components: int = Field(description="Connected parts of the actors with ties.")
    largest_component: int
    ties: TieCounts
    component_sizes: list[ComponentSize] = Field(description="Largest first.")
    districts: list[DistrictTies] = Field(
        description="The district × district matrix (each unordered pair once)."
    )
    bridges: list[Bridge] = Field(
        description="Actors holding otherwise separate parts together (articulation points), "
        "the most cut off first."
    )


class NetworkTable(StrEnum):
    """Which table of the network a CSV holds."""

    districts = "districts"
    bridges = "bridges"
    components = "components"


class PotentialByDistricts(SQLModel):
    district_a: str | None
    district_b: str | None
    pairs: int
    score_sum: float


class PotentialByField(SQLModel):
    action_field: str | None = Field(description="Served by both; null: no field in common.")
    pairs: int
    score_sum: float


class MatchPotential(SQLModel):
    """Promising pairs not yet connected — sharing no idea, joint project or working group —
    among the actors you may see (matching the filters), as the matching engine scores them.
    Each scanned actor is scored against all the others: when the set is larger than a
    request can score, an evenly spread sample is scanned (`sampled`), and the sums cover the
    pairs of the scanned actors."""

    actors: int
    scanned: int
    sampled: bool
    min_score: float
    pairs: int = Field(description="Unconnected pairs at or above `min_score` found.")
    districts: list[PotentialByDistricts] = Field(description="Largest score sum first.")
    action_fields: list[PotentialByField] = Field(description="Largest score sum first.")
    top: list[MatchedPair] = Field(description="The strongest pairs found, explained.")


class PotentialTable(StrEnum):
    """Which table of the match potential a CSV holds."""

    districts = "districts"
    action_fields = "action_fields"
    pairs = "pairs"
