"""The taxonomy as the one vocabulary of free terms: a TopicNormaliser built from the topic
table once per database and schema revision, reused by every write in the process."""

from collections.abc import Sequence

from sqlalchemy import select, text
from sqlmodel import Session, col

from radar.matching.topics import TopicNormaliser, topic_names
from radar.models.topic import Topic

# Keyed on the database and its Alembic revision: the taxonomy is seeded and changed only by
# migrations, so the revision fingerprints it exactly — one read of a one-row table per unit
# of work instead of all topic rows, and a process that outlives a migration still picks up
# the new taxonomy. A hand edit of the topic table shows after a restart.
_built: dict[tuple[str, str], TopicNormaliser] = {}
_MAX_BUILT = 8  # databases per process: one in production, a few in tests
_SESSION_KEY = "radar.vocabulary"


def normaliser(session: Session) -> TopicNormaliser:
    """The normaliser of the session's taxonomy (looked up once per session)."""
    found = session.info.get(_SESSION_KEY)
    if isinstance(found, TopicNormaliser):
        return found
    with session.no_autoflush:  # reads the taxonomy, never the write under way
        revisions = session.execute(text("SELECT version_num FROM alembic_version")).scalars()
        key = (
            session.get_bind().engine.url.render_as_string(hide_password=True),
            ",".join(sorted(revisions)),
        )
        found = _built.get(key)
        if found is None:
            rows = session.execute(
                select(
                    col(Topic.slug), col(Topic.label_de), col(Topic.label_en), col(Topic.synonyms)
                )
            )
            found = TopicNormaliser(topic_names(rows))
            if len(_built) >= _MAX_BUILT:
                _built.clear()
            _built[key] = found
    session.info[_SESSION_KEY] = found
    return found


def resolve_terms(session: Session, values: Sequence[str]) -> list[str | None]:
    """The taxonomy topic each free term names (None where none), in the order given."""
    if not values:
        return []
    return normaliser(session).slugs_for(values)
