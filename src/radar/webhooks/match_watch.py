"""`match.found`: after an actor or idea is created or changed, what it now matches above the
threshold is announced — actor ↔ actor and idea ↔ actor, once per pair: the push notice both
sides want when an offer meets a need. Runs in the webhook workers, from a checkpoint in the
event feed."""

import logging
import uuid
from collections.abc import Sequence

import numpy as np
from sqlalchemy import ColumnElement, Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from radar.db import session_scope
from radar.matching.engine import (
    DEFAULT_WEIGHTS,
    MatchEngine,
    score_actor,
    score_profile,
    top_positions,
)
from radar.matching.explain import Reason, explain, idea_voice, pair_voice
from radar.matching.index import VISIBILITIES, MatchIndex
from radar.matching.joinable import score_joinable
from radar.models.actor import Visibility
from radar.models.event import Event
from radar.models.idea import Idea, IdeaStatus
from radar.models.match import IdeaMatchAnnouncement, MatchAnnouncement
from radar.models.setting import StoredSetting
from radar.services.events import record_event
from radar.settings import Settings

log = logging.getLogger("radar.webhooks")

KEY = "match_watch"
PER_CHANGE = 20  # the most pairs one change announces
JOINABLE = (IdeaStatus.open, IdeaStatus.running)
WATCHED = ("actor.created", "actor.updated", "idea.created", "idea.updated")


class MatchWatcher:
    """Announces new matches of changed actors; several may run, one works at a time."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.threshold = settings.match_found_threshold
        self.half_distance_km = settings.match_half_distance_km
        self.matcher = MatchEngine()

    def run_once(self, *, batch: int = 200) -> int:
        """Look at the actor changes since the checkpoint; how many pairs were announced."""
        announced = 0
        with session_scope(self.engine, write=False) as session:
            # Idle most of the time: look first, without taking SQLite's write lock.
            seen = session.get(StoredSetting, KEY)
            if (
                seen is not None
                and not session.execute(
                    select(col(Event.seq)).where(
                        col(Event.seq) > int(seen.value.get("seq", 0)), col(Event.type).in_(WATCHED)
                    )
                ).first()
            ):
                return 0
        with session_scope(self.engine) as session:
            checkpoint = session.get(StoredSetting, KEY, with_for_update=True)
            if checkpoint is None:
                # Start from now: what happened before the first watcher is not news.
                latest = session.execute(select(col(Event.seq)).order_by(col(Event.seq).desc()))
                checkpoint = StoredSetting(key=KEY, value={"seq": latest.scalar() or 0})
                session.add(checkpoint)
                session.flush()
                return 0
            after = int(checkpoint.value.get("seq", 0))
            events = session.execute(
                select(col(Event.seq), col(Event.entity_id), col(Event.entity_type))
                .where(col(Event.seq) > after, col(Event.type).in_(WATCHED))
                .order_by(col(Event.seq))
                .limit(batch)
            ).all()
            if not events:
                return 0
            index = self.matcher.index(session)
            for _, entity_id, entity_type in events:
                if entity_type == "idea":
                    announced += self._announce_idea(session, index, entity_id)
                else:
                    announced += self._announce(session, index, entity_id)
                    announced += self._announce_ideas_for(session, index, entity_id)
            checkpoint.value = {"seq": int(events[-1][0])}
        return announced

    def _announce(self, session: Session, index: MatchIndex, actor_id: uuid.UUID) -> int:
        q = index.position.get(actor_id)
        private = VISIBILITIES.index(Visibility.private)
        if q is None or not index.alive[q] or index.visibility[q] == private:
            return 0
        scores = score_actor(index, q, half_distance_km=self.half_distance_km)
        allowed = index.alive & (index.visibility != private)
        allowed[q] = False
        allowed &= scores.total >= np.float32(self.threshold)
        count = 0
        for c in top_positions(scores.total, allowed, PER_CHANGE):
            first, second = sorted((index.ids[q], index.ids[c]), key=str)
            announcement = MatchAnnouncement(
                actor_id=first, other_id=second, score=float(scores.total[c])
            )
            if not _first_time(
                session,
                announcement,
                col(MatchAnnouncement.actor_id) == first,
                col(MatchAnnouncement.other_id) == second,
            ):
                continue
            voice = pair_voice(index.names[q], index.names[c])
            reasons = explain(
                index, q, c, scores, index.field_labels, weights=DEFAULT_WEIGHTS, voice=voice
            )
            record_event(
                session,
                type="match.found",
                entity_type="match",
                entity_id=index.ids[q],
                payload={
                    "actor": {"type": "actor", "id": str(index.ids[q]), "name": index.names[q]},
                    "match": {"type": "actor", "id": str(index.ids[c]), "name": index.names[c]},
                    "score": round(float(scores.total[c]), 4),
                    "reasons": [{"component": r.component, "de": r.de, "en": r.en,
                                 "against": r.against} for r in reasons],
                },
            )  # fmt: skip
            count += 1
        return count

    def _announce_idea(self, session: Session, index: MatchIndex, idea_id: uuid.UUID) -> int:
        """The actors an idea now matches above the threshold (not those in it)."""
        from radar.services.matches import idea_profile

        idea = session.get(Idea, idea_id)
        if idea is None or idea.status not in JOINABLE:
            return 0
        profile, members, _ = idea_profile(index, idea)
        scores = score_profile(index, profile, half_distance_km=self.half_distance_km)
        private = VISIBILITIES.index(Visibility.private)
        allowed = index.alive & (index.visibility != private)
        allowed[members] = False
        allowed &= scores.total >= np.float32(self.threshold)
        count = 0
        for c in top_positions(scores.total, allowed, PER_CHANGE):
            reasons = explain(
                index, profile, c, scores, index.field_labels, weights=DEFAULT_WEIGHTS,
                voice=idea_voice(index.names[c]),
            )  # fmt: skip
            count += self._idea_pair(
                session, idea, index.ids[c], index.names[c], float(scores.total[c]), reasons
            )
        return count

    def _announce_ideas_for(self, session: Session, index: MatchIndex, actor_id: uuid.UUID) -> int:
        """The open and running ideas a created or changed actor now matches."""
        from radar.services.matches import idea_profile

        c = index.position.get(actor_id)
        private = VISIBILITIES.index(Visibility.private)
        if c is None or not index.alive[c] or index.visibility[c] == private:
            return 0
        found = []
        open_ideas = (
            select(Idea)
            .where(col(Idea.status).in_(JOINABLE))
            .options(
                selectinload(Idea.topics),  # type: ignore[arg-type]
                selectinload(Idea.action_fields),  # type: ignore[arg-type]
                selectinload(Idea.participants),  # type: ignore[arg-type]
            )
        )
        for idea in session.execute(open_ideas).scalars():
            profile, members, _ = idea_profile(index, idea)
            if c in members:
                continue
            fit = score_joinable(
                index, c, profile, half_distance_km=self.half_distance_km,
                voice=idea_voice(index.names[c]),
            )  # fmt: skip
            if fit.score >= self.threshold:
                found.append((fit, idea))
        found.sort(key=lambda item: -item[0].score)
        return sum(
            self._idea_pair(session, idea, actor_id, index.names[c], fit.score, fit.reasons)
            for fit, idea in found[:PER_CHANGE]
        )

    def _idea_pair(
        self,
        session: Session,
        idea: Idea,
        actor_id: uuid.UUID,
        actor_name: str,
        score: float,
        reasons: Sequence[Reason],
    ) -> int:
        """Announce (idea, actor) unless it was; 1 when announced now."""
        if not _first_time(
            session,
            IdeaMatchAnnouncement(idea_id=idea.id, actor_id=actor_id, score=score),
            col(IdeaMatchAnnouncement.idea_id) == idea.id,
            col(IdeaMatchAnnouncement.actor_id) == actor_id,
        ):
            return 0
        record_event(
            session,
            type="match.found",
            entity_type="match",
            entity_id=idea.id,
            payload={
                "actor": {"type": "actor", "id": str(actor_id), "name": actor_name},
                "match": {"type": "idea", "id": str(idea.id), "name": idea.title},
                "score": round(score, 4),
                "reasons": [
                    {"component": r.component, "de": r.de, "en": r.en, "against": r.against}
                    for r in reasons
                ],
            },
        )
        return 1


def _first_time(
    session: Session,
    announcement: MatchAnnouncement | IdeaMatchAnnouncement,
    *pair: ColumnElement[bool],
) -> bool:
    """Store the announcement of a pair unless one is stored already (by this or another
    worker); True when this is the first."""
    model = type(announcement)
    if session.execute(select(col(model.id)).where(*pair)).first():
        return False
    try:
        with session.begin_nested():
            session.add(announcement)
    except IntegrityError:
        return False
    return True
