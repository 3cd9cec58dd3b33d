"""API shapes of the map: an RFC 7946 GeoJSON FeatureCollection of points and clusters."""

from typing import Any, Literal

from sqlmodel import Field, SQLModel


class PointGeometry(SQLModel):
    type: Literal["Point"] = "Point"
    coordinates: tuple[float, float] = Field(description="[longitude, latitude] (RFC 7946).")


class MapFeature(SQLModel):
    type: Literal["Feature"] = "Feature"
    id: str = Field(description="The actor's or idea's id, or `cluster:…` for a cluster.")
    geometry: PointGeometry
    properties: dict[str, Any] = Field(
        description="A point: `{layer: actor|idea, name, kind, district, topics}`. A cluster: "
        "`{cluster: true, count, layers: {actor: n, idea: n}, kinds: {kind: n}, "
        "top_topics: [up to 3 slugs]}`."
    )


class MapFeatureCollection(SQLModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[MapFeature]
    count: int = Field(description="Items (actors and ideas) on the map before clustering.")
    truncated: bool = Field(
        description="True when more items matched than `limit`: zoom in or narrow the bbox."
    )
