"""Webhook subscriptions (partners their own, admins all), their secrets, delivery logs,
redelivery, replay and ping."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import select
from sqlmodel import Session, col

from radar.errors import FieldError, Forbidden, InvalidInput, NotFound
from radar.models.account import Role
from radar.models.base import new_id, utcnow
from radar.models.event import Event
from radar.models.webhook import (
    AttemptPublic,
    DeliveriesPage,
    DeliveryPublic,
    DeliveryStatus,
    EventType,
    EventTypes,
    ReplayReport,
    SubscriptionCreate,
    SubscriptionPublic,
    SubscriptionsPage,
    SubscriptionUpdate,
    SubscriptionWithSecret,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from radar.services.access import Principal
from radar.services.common import PageRequest, fetch_page
from radar.webhooks import signing, ssrf
from radar.webhooks.catalogue import EVENT_TYPES, matches
from radar.webhooks.dispatcher import SECRET_OVERLAP
from radar.webhooks.outbox import OutgoingEvent, queue_deliveries

MANAGERS = (Role.admin, Role.partner)


def event_types() -> EventTypes:
    return EventTypes(data=[EventType(type=t, description=d) for t, d in EVENT_TYPES.items()])


def create_subscription(
    session: Session,
    *,
    data: SubscriptionCreate,
    principal: Principal,
    allow_private: bool,
    resolve: ssrf.Resolver = ssrf.system_resolver,
) -> SubscriptionWithSecret:
    """Register a URL for event types; the signing secret is shown this once."""
    _require_manager(principal)
    _check_url(data.url, allow_private=allow_private, resolve=resolve)
    assert principal.account_id is not None
    subscription = WebhookSubscription(
        account_id=principal.account_id,
        url=data.url,
        event_types=data.event_types,
        description=data.description,
        enabled=data.enabled,
        secret=signing.new_secret(),
    )
    session.add(subscription)
    session.flush()
    return _with_secret(subscription)


def list_subscriptions(
    session: Session, *, principal: Principal, page: PageRequest
) -> SubscriptionsPage:
    _require_manager(principal)
    statement = select(WebhookSubscription)
    if not principal.is_admin:
        statement = statement.where(col(WebhookSubscription.account_id) == principal.account_id)
    rows, total = fetch_page(
        session,
        statement.order_by(col(WebhookSubscription.created_at), col(WebhookSubscription.id)),
        page,
    )
    return SubscriptionsPage(
        data=[SubscriptionPublic.model_validate(row) for row in rows],
        count=total,
        limit=page.limit,
        offset=page.offset,
    )


def get_subscription(
    session: Session, *, subscription_id: uuid.UUID, principal: Principal, lock: bool = False
) -> WebhookSubscription:
    """The subscription, or 404 (also when it is someone else's)."""
    _require_manager(principal)
    subscription = session.get(WebhookSubscription, subscription_id, with_for_update=lock)
    if subscription is None or not (
        principal.is_admin or subscription.account_id == principal.account_id
    ):
        raise NotFound(f"No webhook subscription with id {subscription_id}")
    return subscription


def update_subscription(
    session: Session,
    *,
    subscription_id: uuid.UUID,
    data: SubscriptionUpdate,
    principal: Principal,
    allow_private: bool,
    resolve: ssrf.Resolver = ssrf.system_resolver,
) -> SubscriptionPublic:
    subscription = get_subscription(
        session, subscription_id=subscription_id, principal=principal, lock=True
    )
    changes = data.model_dump(exclude_unset=True)
    if "url" in changes:
        _check_url(changes["url"], allow_private=allow_private, resolve=resolve)
    subscription.sqlmodel_update(changes)
    if changes.get("enabled"):  # enabled again by hand: a fresh start
        subscription.disabled_reason = None
        subscription.failing_since = None
    subscription.updated_at = utcnow()
    session.flush()
    return SubscriptionPublic.model_validate(subscription)


def delete_subscription(
    session: Session, *, subscription_id: uuid.UUID, principal: Principal
) -> None:
    subscription = get_subscription(session, subscription_id=subscription_id, principal=principal)
    session.delete(subscription)
    session.flush()


def rotate_secret(
    session: Session, *, subscription_id: uuid.UUID, principal: Principal
) -> SubscriptionWithSecret:
    """A new secret, shown once; the old one keeps signing (beside it) for 24 hours."""
    subscription = get_subscription(
        session, subscription_id=subscription_id, principal=principal, lock=True
    )
    now = utcnow()
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_expires_at = now + SECRET_OVERLAP
    subscription.secret = signing.new_secret()
    subscription.updated_at = now
    session.flush()
    return _with_secret(subscription)


def ping(session: Session, *, subscription_id: uuid.UUID, principal: Principal) -> DeliveryPublic:
    """Queue a `ping` event for this subscription alone."""
    subscription = get_subscription(session, subscription_id=subscription_id, principal=principal)
    event = OutgoingEvent(
        new_id(), "ping", utcnow(), {"subscription_id": str(subscription.id)}, private=False
    )
    queue_deliveries(session, [event], subscription_id=subscription.id)
    delivery = session.execute(
        select(WebhookDelivery).where(
            col(WebhookDelivery.event_id) == event.id,
            col(WebhookDelivery.subscription_id) == subscription.id,
        )
    ).scalar_one()
    return _delivery(delivery)


def list_deliveries(
    session: Session,
    *,
    subscription_id: uuid.UUID,
    principal: Principal,
    page: PageRequest,
    status: DeliveryStatus | None = None,
) -> DeliveriesPage:
    """The subscription's deliveries, newest first, each with its attempts."""
    get_subscription(session, subscription_id=subscription_id, principal=principal)
    statement = select(WebhookDelivery).where(
        col(WebhookDelivery.subscription_id) == subscription_id
    )
    if status is not None:
        statement = statement.where(col(WebhookDelivery.status) == status)
    rows, total = fetch_page(
        session,
        statement.order_by(col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.id)),
        page,
    )
    attempts: dict[uuid.UUID, list[WebhookAttempt]] = {row.id: [] for row in rows}
    if rows:
        for attempt in session.execute(
            select(WebhookAttempt)
            .where(col(WebhookAttempt.delivery_id).in_(list(attempts)))
            .order_by(col(WebhookAttempt.number))
        ).scalars():
            attempts[attempt.delivery_id].append(attempt)
    return DeliveriesPage(
        data=[_delivery(row, attempts[row.id]) for row in rows],
        count=total,
        limit=page.limit,
        offset=page.offset,
    )


def redeliver(
    session: Session, *, subscription_id: uuid.UUID, delivery_id: uuid.UUID, principal: Principal
) -> DeliveryPublic:
    """Send one delivery again now (same `webhook-id`), whatever became of it before."""
    get_subscription(session, subscription_id=subscription_id, principal=principal)
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None or delivery.subscription_id != subscription_id:
        raise NotFound(f"No delivery {delivery_id} for this subscription")
    delivery.status = DeliveryStatus.pending
    delivery.next_attempt_at = utcnow()
    delivery.lease_until = None
    session.flush()
    return _delivery(delivery)


def replay(
    session: Session, *, subscription_id: uuid.UUID, since: datetime, principal: Principal
) -> ReplayReport:
    """Queue again every event since `since` the subscription selects: its earlier deliveries
    are sent again (same `webhook-id`), events it has none for get one."""
    subscription = get_subscription(session, subscription_id=subscription_id, principal=principal)
    now = utcnow()
    again = session.execute(
        sa.update(WebhookDelivery)
        .where(
            col(WebhookDelivery.subscription_id) == subscription_id,
            col(WebhookDelivery.created_at) >= since,
        )
        .values(status=DeliveryStatus.pending, next_attempt_at=now, lease_until=None)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    delivered = set(
        session.execute(
            select(col(WebhookDelivery.event_id)).where(
                col(WebhookDelivery.subscription_id) == subscription_id
            )
        ).scalars()
    )
    events = [
        OutgoingEvent(e.id, e.type, e.created_at, e.payload, e.private, e.entity_type, e.entity_id)
        for e in session.execute(
            select(Event).where(col(Event.created_at) >= since).order_by(col(Event.seq))
        ).scalars()
        if e.id not in delivered and matches(subscription.event_types, e.type)
    ]
    added = (
        queue_deliveries(session, events, subscription_id=subscription.id)
        if subscription.enabled
        else 0
    )
    return ReplayReport(queued=int(again) + added)


def _check_url(url: str, *, allow_private: bool, resolve: ssrf.Resolver) -> None:
    try:
        ssrf.check(url, allow_private=allow_private, resolve=resolve)
    except ssrf.UnsafeUrl as error:
        raise InvalidInput(
            [FieldError(loc=("body", "url"), message=str(error), type="unsafe_url")]
        ) from error


def _require_manager(principal: Principal) -> None:
    if principal.role not in MANAGERS or principal.account_id is None:
        raise Forbidden("Webhooks are for partner platforms and admins")


def _with_secret(subscription: WebhookSubscription) -> SubscriptionWithSecret:
    return SubscriptionWithSecret.model_validate(subscription)


def _delivery(
    delivery: WebhookDelivery, attempts: list[WebhookAttempt] | None = None
) -> DeliveryPublic:
    return DeliveryPublic.model_validate(
        delivery,
        update={"attempt_log": [AttemptPublic.model_validate(a) for a in attempts or []]},
    )
