"""`match.found`: after an actor is created or changed, the actors it now matches above the
threshold are announced — once per pair, the push notice both sides want when an offer meets a
need. Runs in the webhook workers, from a checkpoint in the event feed."""

import logging
import uuid

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from radar.db import session_scope
from radar.matching.engine import MatchEngine, score_actor, top_positions
from radar.matching.explain import explain
from radar.matching.index import VISIBILITIES, MatchIndex
from radar.models.actor import Visibility
from radar.models.event import Event
from radar.models.match import MatchAnnouncement
from radar.models.setting import StoredSetting
from radar.services.events import record_event
from radar.settings import Settings

log = logging.getLogger("radar.webhooks")

KEY = "match_watch"
PER_CHANGE = 20  # the most pairs one change announces
WATCHED = ("actor.created", "actor.updated")


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
                select(col(Event.seq), col(Event.entity_id))
                .where(col(Event.seq) > after, col(Event.type).in_(WATCHED))
                .order_by(col(Event.seq))
                .limit(batch)
            ).all()
            if not events:
                return 0
            index = self.matcher.index(session)
            for _, actor_id in events:
                announced += self._announce(session, index, actor_id)
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
            pair = sorted((index.ids[q], index.ids[c]), key=str)
            if session.execute(
                select(col(MatchAnnouncement.id)).where(
                    col(MatchAnnouncement.actor_id) == pair[0],
                    col(MatchAnnouncement.other_id) == pair[1],
                )
            ).first():
                continue
            try:
                with session.begin_nested():
                    session.add(
                        MatchAnnouncement(
                            actor_id=pair[0], other_id=pair[1], score=float(scores.total[c])
                        )
                    )
            except IntegrityError:
                continue
            reasons = explain(index, q, c, scores, index.field_labels)
            record_event(
                session,
                type="match.found",
                entity_type="match",
                entity_id=index.ids[q],
                payload={
                    "actor": {"id": str(index.ids[q]), "name": index.names[q]},
                    "match": {"id": str(index.ids[c]), "name": index.names[c]},
                    "score": round(float(scores.total[c]), 4),
                    "reasons": [{"component": r.component, "de": r.de, "en": r.en}
                                for r in reasons],
                },
            )  # fmt: skip
            count += 1
        return count
