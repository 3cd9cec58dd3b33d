"""SQLModel tables and their API schemas, one module per entity."""

from radar.models.account import Account, AccountActor, ApiToken
from radar.models.action_field import ActionField
from radar.models.actor import Actor, ActorActionField, ActorTopic
from radar.models.event import Event
from radar.models.geocode import GeocodeCacheEntry
from radar.models.group import GroupActionField, GroupMember, GroupTopic, WorkingGroup
from radar.models.idea import Idea, IdeaActionField, IdeaParticipant, IdeaTopic
from radar.models.match import IdeaMatchAnnouncement, MatchAnnouncement, MatchFeedback
from radar.models.news import News, NewsTopic
from radar.models.rate_limit import RateLimitWindow
from radar.models.setting import StoredSetting
from radar.models.topic import Topic, TopicActionField
from radar.models.webhook import WebhookAttempt, WebhookDelivery, WebhookSubscription

__all__ = [
    "Account",
    "AccountActor",
    "ActionField",
    "Actor",
    "ActorActionField",
    "ActorTopic",
    "ApiToken",
    "Event",
    "GeocodeCacheEntry",
    "GroupActionField",
    "GroupMember",
    "GroupTopic",
    "Idea",
    "IdeaActionField",
    "IdeaMatchAnnouncement",
    "IdeaParticipant",
    "IdeaTopic",
    "MatchAnnouncement",
    "MatchFeedback",
    "News",
    "NewsTopic",
    "RateLimitWindow",
    "StoredSetting",
    "Topic",
    "TopicActionField",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "WorkingGroup",
]
