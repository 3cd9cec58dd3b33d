"""Taxonomy lookups: subtopic expansion and suggestions for unknown slugs."""

import pytest
from sqlmodel import Session

from radar.errors import InvalidInput
from radar.services import taxonomy


def test_topic_filter_adds_every_descendant(session: Session) -> None:
    expanded = taxonomy.topic_filter(session, ["kunststofftechnik"], loc=("query", "topic"))
    assert {"kunststofftechnik", "spritzguss"} <= set(expanded)
    assert "kuenstliche-intelligenz" not in expanded
    leaf = taxonomy.topic_filter(session, ["spritzguss"], loc=("query", "topic"))
    assert leaf == ["spritzguss"]


def test_unknown_slug_suggests_by_label_and_synonym(session: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        taxonomy.resolve_topics(session, ["kuenstliche-inteligenz", "KI"], loc=("body", "topics"))
    first, second = refused.value.errors
    assert first.loc == ("body", "topics", 0)
    assert first.extra["suggestions"][0] == "kuenstliche-intelligenz"
    assert "kuenstliche-intelligenz" in second.extra["suggestions"]
