"""Topics and action fields: lookups, and resolution of slugs given in requests."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from radar.errors import FieldError, InvalidInput, NotFound
from radar.matching.normalise import closest, fold
from radar.matching.topics import TopicName, TopicNormaliser
from radar.models.action_field import ActionField, ActionFieldPublic
from radar.models.topic import Topic, TopicActionField, TopicPublic, TopicSuggestion


def topic_public(topic: Topic) -> TopicPublic:
    return TopicPublic.model_validate(
        topic,
        update={"action_fields": sorted(field.slug for field in topic.action_fields)},
    )


def list_topics(
    session: Session, *, q: str | None = None, action_field: str | None = None
) -> list[TopicPublic]:
    """All topics ordered by slug, optionally those of one action field or matching `q`."""
    statement = select(Topic).options(selectinload(Topic.action_fields)).order_by(Topic.slug)  # type: ignore[arg-type]
    if action_field is not None:
        statement = statement.where(
            col(Topic.slug).in_(
                select(col(TopicActionField.topic_slug)).where(
                    col(TopicActionField.action_field_slug) == action_field
                )
            )
        )
    topics = session.execute(statement).scalars().all()
    if q:
        needle = fold(q)
        topics = [
            topic
            for topic in topics
            if any(
                needle in fold(name)
                for name in (topic.slug, topic.label_de, topic.label_en, *topic.synonyms)
            )
        ]
    return [topic_public(topic) for topic in topics]


def get_topic(session: Session, *, slug: str) -> TopicPublic:
    topic = session.get(Topic, slug, options=[selectinload(Topic.action_fields)])  # type: ignore[arg-type]
    if topic is None:
        raise NotFound(f"No topic with slug {slug!r}")
    return topic_public(topic)


def list_action_fields(session: Session) -> list[ActionFieldPublic]:
    fields = session.execute(select(ActionField).order_by(ActionField.slug)).scalars().all()
    return [ActionFieldPublic.model_validate(field) for field in fields]


def get_action_field(session: Session, *, slug: str) -> ActionFieldPublic:
    field = session.get(ActionField, slug)
    if field is None:
        raise NotFound(f"No action field with slug {slug!r}")
    return ActionFieldPublic.model_validate(field)


def resolve_topics(session: Session, slugs: Sequence[str], *, loc: tuple[str, ...]) -> list[Topic]:
    """The Topic rows for `slugs`, deduplicated; 422 naming the closest known topics otherwise."""
    known = _known_topics(session, slugs, loc=loc)
    return [known[slug] for slug in dict.fromkeys(slugs)]


def topic_filter(session: Session, slugs: Sequence[str], *, loc: tuple[str, ...]) -> list[str]:
    """The slugs of a list filter with all their subtopics: `kunststofftechnik` finds actors
    tagged only `spritzguss` too. 422 naming the closest known topics for unknown slugs."""
    known = _known_topics(session, slugs, loc=loc, everything=True)
    children: dict[str, list[str]] = {}
    for topic in known.values():
        if topic.parent_slug is not None:
            children.setdefault(topic.parent_slug, []).append(topic.slug)
    found: set[str] = set()
    pending = list(slugs)
    while pending:
        slug = pending.pop()
        if slug not in found:
            found.add(slug)
            pending.extend(children.get(slug, ()))
    return sorted(found)


def _known_topics(
    session: Session, slugs: Sequence[str], *, loc: tuple[str, ...], everything: bool = False
) -> dict[str, Topic]:
    """The topics named by `slugs` (with `everything`, the whole taxonomy); 422 for unknown."""
    if not slugs and not everything:
        return {}
    # The common case, every slug known, reads only those rows; the whole taxonomy is read
    # only to suggest the closest topics for an unknown one.
    wanted = select(Topic).where(col(Topic.slug).in_(set(slugs)))
    known = {topic.slug: topic for topic in session.execute(wanted).scalars()}
    if set(slugs) <= set(known) and not everything:
        return known
    known = {topic.slug: topic for topic in session.execute(select(Topic)).scalars()}
    names = {slug: (t.label_de, t.label_en, *t.synonyms) for slug, t in known.items()}
    _require_known(slugs, names, loc=loc, what="topic")
    return known


def resolve_action_fields(
    session: Session, slugs: Sequence[str], *, loc: tuple[str, ...]
) -> list[ActionField]:
    """The ActionField rows for `slugs`, deduplicated; 422 naming the closest known ones."""
    if not slugs:
        return []
    known = {field.slug: field for field in session.execute(select(ActionField)).scalars()}
    names: dict[str, tuple[str, ...]] = {
        slug: (field.label_de, field.label_en) for slug, field in known.items()
    }
    _require_known(slugs, names, loc=loc, what="action_field")
    return [known[slug] for slug in dict.fromkeys(slugs)]


def validate_topic_slugs(
    session: Session, slugs: Sequence[str], *, loc: tuple[str, ...]
) -> list[str]:
    """Check slugs stored as plain values (e.g. an idea's sought topics); deduplicated."""
    return [topic.slug for topic in resolve_topics(session, slugs, loc=loc)]


def _require_known(
    slugs: Sequence[str], names: dict[str, tuple[str, ...]], *, loc: tuple[str, ...], what: str
) -> None:
    errors = []
    for index, slug in enumerate(slugs):
        if slug in names:
            continue
        suggestions = closest(slug, names)
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        errors.append(
            FieldError(
                loc=(*loc, index),
                message=f"Unknown {what.replace('_', ' ')} {slug!r}{hint}",
                type=f"unknown_{what}",
                extra={"suggestions": suggestions},
            )
        )
    if errors:
        raise InvalidInput(errors)


def suggest_topics(session: Session, *, q: str, limit: int = 10) -> list[TopicSuggestion]:
    """Autocomplete for topic fields: the taxonomy topics the typed text could mean."""
    topics = {topic.slug: topic for topic in session.execute(select(Topic)).scalars()}
    normaliser = TopicNormaliser(
        TopicName(slug=t.slug, names=(t.label_de, t.label_en, *t.synonyms)) for t in topics.values()
    )
    return [
        TopicSuggestion(
            slug=found.slug,
            label_de=topics[found.slug].label_de,
            label_en=topics[found.slug].label_en,
            matched=found.matched,
            score=round(found.score, 1),
        )
        for found in normaliser.suggest(q, limit=limit)
    ]
