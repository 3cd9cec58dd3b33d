"""Webhook subscriptions for partner platforms: `/v1/webhooks` (partners their own, admins all),
and the event catalogue with each type's payload in the OpenAPI `webhooks` section."""

import uuid
from typing import Annotated

from fastapi import FastAPI, Header, Query, Request, status

from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.deps import PageDep, SessionDep, SettingsDep
from radar.api.errors import problems
from radar.models.actor import ActorPublic
from radar.models.base import UtcDateTime
from radar.models.group import WorkingGroupPublic
from radar.models.idea import IdeaPublic, InvitationPublic
from radar.models.news import NewsPublic
from radar.models.webhook import (
    DeliveriesPage,
    DeliveryPublic,
    DeliveryStatus,
    DisabledEventData,
    Envelope,
    EventTypes,
    MatchFoundData,
    MemberEventData,
    PingEventData,
    ReplayReport,
    SubscriptionCreate,
    SubscriptionPublic,
    SubscriptionsPage,
    SubscriptionUpdate,
    SubscriptionWithSecret,
)
from radar.services import webhooks
from radar.services.access import require_signed_in
from radar.webhooks import ssrf
from radar.webhooks.catalogue import EVENT_TYPES

router = authenticated_router(prefix="/v1/webhooks", tags=["webhooks"])


def _resolver(request: Request) -> ssrf.Resolver:
    resolver: ssrf.Resolver = getattr(request.app.state, "resolver", ssrf.system_resolver)
    return resolver


@router.get("/event-types", response_model=EventTypes)
def event_types(principal: PrincipalDep) -> EventTypes:
    """The events a subscription can select (`actor.*` patterns select a family); each type's
    payload is in the `webhooks` section of this document."""
    require_signed_in(principal)
    return webhooks.event_types()


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SubscriptionWithSecret,
    responses=problems(403, 422, body=True),
)
def create_subscription(
    body: SubscriptionCreate,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    request: Request,
) -> SubscriptionWithSecret:
    """Subscribe an https URL (resolving only to public addresses) to event types. The
    response carries the signing secret `whsec_…` this once: verify each delivery's
    `webhook-signature` with it (Standard Webhooks)."""
    return webhooks.create_subscription(
        session,
        data=body,
        principal=principal,
        allow_private=settings.webhooks_allow_private,
        resolve=_resolver(request),
    )


@router.get("", response_model=SubscriptionsPage, responses=problems(403, 422))
def list_subscriptions(
    session: SessionDep, principal: PrincipalDep, page: PageDep
) -> SubscriptionsPage:
    """Your subscriptions (admins: everyone's), oldest first."""
    return webhooks.list_subscriptions(session, principal=principal, page=page)


@router.get(
    "/{subscription_id:uuid}", response_model=SubscriptionPublic, responses=problems(403, 404)
)
def read_subscription(
    subscription_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> SubscriptionPublic:
    """One subscription (without its secret: that is shown only when created or rotated)."""
    return SubscriptionPublic.model_validate(
        webhooks.get_subscription(session, subscription_id=subscription_id, principal=principal)
    )


@router.patch(
    "/{subscription_id:uuid}",
    response_model=SubscriptionPublic,
    responses=problems(403, 404, 422, body=True),
)
def update_subscription(
    subscription_id: uuid.UUID,
    body: SubscriptionUpdate,
    session: SessionDep,
    principal: PrincipalDep,
    settings: SettingsDep,
    request: Request,
) -> SubscriptionPublic:
    """Change the URL, event types, description, or enable it again after it was disabled."""
    return webhooks.update_subscription(
        session,
        subscription_id=subscription_id,
        data=body,
        principal=principal,
        allow_private=settings.webhooks_allow_private,
        resolve=_resolver(request),
    )


@router.delete(
    "/{subscription_id:uuid}", status_code=status.HTTP_204_NO_CONTENT, responses=problems(403, 404)
)
def delete_subscription(
    subscription_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> None:
    """Stop and remove a subscription with its delivery log."""
    webhooks.delete_subscription(session, subscription_id=subscription_id, principal=principal)


@router.post(
    "/{subscription_id:uuid}/rotate-secret",
    response_model=SubscriptionWithSecret,
    responses=problems(403, 404),
)
def rotate_secret(
    subscription_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> SubscriptionWithSecret:
    """A new signing secret, shown once. For 24 hours deliveries carry two signatures, with
    the new and the old secret, so receivers can switch without losing one."""
    return webhooks.rotate_secret(session, subscription_id=subscription_id, principal=principal)


@router.post(
    "/{subscription_id:uuid}/ping",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeliveryPublic,
    responses=problems(403, 404),
)
def ping(
    subscription_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> DeliveryPublic:
    """Queue a `ping` event for this subscription; follow it in its delivery log."""
    return webhooks.ping(session, subscription_id=subscription_id, principal=principal)


@router.get(
    "/{subscription_id:uuid}/deliveries",
    response_model=DeliveriesPage,
    responses=problems(403, 404, 422),
)
def list_deliveries(
    subscription_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    page: PageDep,
    status_: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
) -> DeliveriesPage:
    """The delivery log, newest first: each delivery's attempts with time, status code,
    latency, the response body (first 2 KB) and any error."""
    return webhooks.list_deliveries(
        session, subscription_id=subscription_id, principal=principal, page=page, status=status_
    )


@router.post(
    "/{subscription_id:uuid}/deliveries/{delivery_id:uuid}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeliveryPublic,
    responses=problems(403, 404),
)
def redeliver(
    subscription_id: uuid.UUID,
    delivery_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
) -> DeliveryPublic:
    """Send one delivery again now, with the same `webhook-id`."""
    return webhooks.redeliver(
        session, subscription_id=subscription_id, delivery_id=delivery_id, principal=principal
    )


@router.post(
    "/{subscription_id:uuid}/replay",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReplayReport,
    responses=problems(403, 404, 422),
)
def replay(
    subscription_id: uuid.UUID,
    session: SessionDep,
    principal: PrincipalDep,
    since: Annotated[
        UtcDateTime,
        Query(description="Replay the events recorded since then (ISO 8601; UTC if no zone)."),
    ],
) -> ReplayReport:
    """Send again everything the subscription selects since a time (e.g. after an outage of
    the receiver), with the original `webhook-id`s."""
    return webhooks.replay(
        session, subscription_id=subscription_id, since=since, principal=principal
    )


# The Standard Webhooks headers of each delivery (`radar.webhooks.signing`).
WebhookIdHeader = Annotated[
    uuid.UUID,
    Header(
        alias="webhook-id",
        description="The event's id, the same on every attempt and redelivery: deduplicate on "
        "it (it is the body's `id`).",
    ),
]
WebhookTimestampHeader = Annotated[
    str,
    Header(
        alias="webhook-timestamp",
        pattern=r"^[0-9]+$",
        description="When this attempt was sent, in Unix seconds: refuse a delivery whose "
        "timestamp is far (say five minutes) from your clock, against replays.",
    ),
]
# Base64 of an HMAC-SHA256 (32 bytes): 43 characters and one `=`.
SIGNATURE_PATTERN = r"^v1,[A-Za-z0-9+/]{43}=( v1,[A-Za-z0-9+/]{43}=)*$"
WebhookSignatureHeader = Annotated[
    str,
    Header(
        alias="webhook-signature",
        pattern=SIGNATURE_PATTERN,
        description="`v1,` and the base64 of the HMAC-SHA256, keyed with the base64-decoded "
        "secret after `whsec_`, of `{webhook-id}.{webhook-timestamp}.{body}`. Space-separated, "
        "two signatures for 24 hours after a secret rotation (new and old secret): accept the "
        "delivery if any matches.",
    ),
]
RECEIVER_ANSWER = (
    "Any 2xx status acknowledges the delivery; the response body is ignored (the first 2 KB "
    "are kept in the delivery log). Any other status, a redirect (not followed), no answer "
    "within 15 s or a failed connection is a failed attempt, retried after 5 s, 5 min, 30 min, "
    "2 h, 5 h, 10 h and 10 h, each ±20 % (or after `Retry-After` on 429 and 503); 410 Gone, "
    "or five days of failures in a row, disables the subscription."
)


def document_webhooks(app: FastAPI) -> None:
    """Each event type's payload in the OpenAPI `webhooks` section."""
    data_models = {
        "actor": ActorPublic,
        "idea": IdeaPublic,
        "group": WorkingGroupPublic,
        "news": NewsPublic,
    }
    for event_type, description in EVENT_TYPES.items():
        family = event_type.split(".")[0]
        data = (
            MemberEventData
            if event_type.startswith(("group.member", "group.join"))
            else InvitationPublic
            if event_type == "idea.participant_invited"
            else MatchFoundData
            if family == "match"
            else DisabledEventData
            if family == "webhook"
            else PingEventData
            if family == "ping"
            else data_models[family]
        )
        name = "".join(part.capitalize() for part in event_type.replace("_", ".").split("."))
        model = type(f"{name}Event", (Envelope,), {"__annotations__": {"data": data}})

        def receive(
            body: model,  # type: ignore[valid-type]
            webhook_id: WebhookIdHeader,
            webhook_timestamp: WebhookTimestampHeader,
            webhook_signature: WebhookSignatureHeader,
        ) -> None:
            """Sent to subscribed URLs."""

        receive.__doc__ = description
        app.webhooks.post(
            event_type,
            summary=event_type,
            operation_id=f"webhook_{name}",
            responses={"2XX": {"description": RECEIVER_ANSWER}},
        )(receive)
