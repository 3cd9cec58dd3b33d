"""The events partners can subscribe to, and how a subscription's patterns select them."""

from collections.abc import Iterable

EVENT_TYPES: dict[str, str] = {
    "actor.created": "An actor profile was created.",
    "actor.updated": "An actor profile changed (or was geocoded again).",
    "actor.deleted": "An actor profile was deleted (erasure); the data is its id alone.",
    "idea.created": "A project idea or joint project was created.",
    "idea.updated": "An idea changed, or its participants did.",
    "idea.deleted": "An idea was deleted.",
    "idea.participant_invited": "An actor was invited to take part in an idea (or to lead it) "
    "by someone who does not manage it; it takes part once its managers accept.",
    "group.created": "A working group was created.",
    "group.updated": "A working group changed.",
    "group.deleted": "A working group was deleted.",
    "group.member_joined": "An actor joined a working group (or was approved).",
    "group.member_left": "An actor left a working group.",
    "group.join_requested": "An actor asked to join a working group that approves members.",
    "group.member_role_changed": "A member's role in a working group changed.",
    "news.published": "A news item was published.",
    "news.updated": "A news item changed.",
    "news.deleted": "A news item was deleted.",
    "match.found": "A created or changed actor or idea now matches an actor or idea above the "
    "threshold (RADAR_MATCH_FOUND_THRESHOLD): announced once per pair, with score and reasons.",
    "webhook.disabled": "A subscription was disabled after failing for five days, or on 410.",
    "ping": "A test event sent on request (`POST /v1/webhooks/{id}/ping`).",
}


def matches(patterns: Iterable[str], event_type: str) -> bool:
    """Whether an event type is selected by any of `patterns` (`actor.*`, `*`, exact)."""
    for pattern in patterns:
        if pattern == "*" or pattern == event_type:
            return True
        if pattern.endswith(".*") and event_type.startswith(pattern[:-1]):
            return True
    return False
