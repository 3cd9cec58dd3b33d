"""Accounts, the actors they manage, and bearer tokens (shown once, stored as a hash)."""

import hashlib
import hmac
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, bindparam, delete, func, select, update
from sqlmodel import Session, col

from radar.errors import Conflict, FieldError, InvalidInput, NotFound, Unauthorized
from radar.models.account import (
    Account,
    AccountActor,
    AccountCreate,
    AccountPublic,
    AccountsPublic,
    ApiToken,
    Role,
    TokenCreate,
    TokenCreated,
    TokenPublic,
    TokensPublic,
)
from radar.models.actor import Actor
from radar.models.base import utcnow
from radar.models.match import MatchFeedback
from radar.models.rate_limit import RateLimitWindow
from radar.models.webhook import WebhookAttempt, WebhookDelivery, WebhookSubscription
from radar.services.access import SYSTEM, Principal, require_signed_in
from radar.services.common import PageRequest, fetch_page

TOKEN_PREFIX = "radar_"
# last_used_at is a hint for people reviewing tokens: writing it more often costs a write per
# request for nothing.
LAST_USED_RESOLUTION = timedelta(minutes=1)
DEMO_ACCOUNTS = {Role.admin: "Demo admin", Role.member: "Demo member"}
# Tokens a non-admin account may hold at once (neither revoked nor expired): enough for every
# device and integration, few enough that no one hoards them.
MAX_ACTIVE_TOKENS = 20


def digest(token: str) -> str:
    """The stored form of a token: random tokens need no slow hash, SHA-256 suffices."""
    return hashlib.sha256(token.encode()).hexdigest()


def account_public(session: Session, account: Account) -> AccountPublic:
    return AccountPublic.model_validate(
        account, update={"actor_ids": managed_actor_ids(session, account_id=account.id)}
    )


def own_account_id(principal: Principal) -> uuid.UUID:
    """The caller's account; 401 for anonymous callers."""
    require_signed_in(principal)
    if principal.account_id is None:
        raise Unauthorized("This caller has no account")
    return principal.account_id


def managed_actor_ids(session: Session, *, account_id: uuid.UUID) -> list[uuid.UUID]:
    """The actors an account manages, in a stable order."""
    return list(
        session.execute(
            select(col(AccountActor.actor_id))
            .where(col(AccountActor.account_id) == account_id)
            .order_by(col(AccountActor.actor_id))
        ).scalars()
    )


def get_account(session: Session, *, account_id: uuid.UUID, for_update: bool = False) -> Account:
    account = session.get(Account, account_id, with_for_update=for_update)
    if account is None:
        raise NotFound(f"No account with id {account_id}")
    return account


def read_account(session: Session, *, account_id: uuid.UUID) -> AccountPublic:
    return account_public(session, get_account(session, account_id=account_id))


def create_account(session: Session, *, data: AccountCreate) -> AccountPublic:
    """Create an account; it manages the listed actors (422 naming any unknown one)."""
    account = Account(name=data.name, role=data.role)
    session.add(account)
    session.flush()
    for index, actor_id in enumerate(dict.fromkeys(data.actor_ids)):
        if session.get(Actor, actor_id) is None:
            raise InvalidInput(
                [
                    FieldError(
                        loc=("body", "actor_ids", index),
                        message=f"No actor {actor_id}",
                        type="unknown_actor",
                    )
                ]
            )
        session.add(AccountActor(account_id=account.id, actor_id=actor_id))
    session.flush()
    return account_public(session, account)


def list_accounts(session: Session, *, page: PageRequest) -> AccountsPublic:
    """One page of accounts by name, with the actors each manages (one query for all)."""
    statement = select(Account).order_by(col(Account.name), col(Account.id))
    rows, total = fetch_page(session, statement, page)
    managed: dict[uuid.UUID, list[uuid.UUID]] = {row.id: [] for row in rows}
    links = session.execute(
        select(col(AccountActor.account_id), col(AccountActor.actor_id))
        .where(col(AccountActor.account_id).in_(list(managed)))
        .order_by(col(AccountActor.actor_id))
    )
    for account_id, actor_id in links:
        managed[account_id].append(actor_id)
    data = [
        AccountPublic.model_validate(row, update={"actor_ids": managed[row.id]}) for row in rows
    ]
    return AccountsPublic(data=data, count=total, limit=page.limit, offset=page.offset)


def grant_actor(session: Session, *, account_id: uuid.UUID, actor_id: uuid.UUID) -> AccountPublic:
    """Let an account manage an actor (idempotent)."""
    account = get_account(session, account_id=account_id)
    if session.get(Actor, actor_id) is None:
        raise NotFound(f"No actor with id {actor_id}")
    if session.get(AccountActor, (account_id, actor_id)) is None:
        session.add(AccountActor(account_id=account_id, actor_id=actor_id))
        session.flush()
    return account_public(session, account)


def revoke_actor(session: Session, *, account_id: uuid.UUID, actor_id: uuid.UUID) -> None:
    """The account no longer manages the actor (404 when it did not)."""
    link = session.get(AccountActor, (account_id, actor_id))
    if link is None:
        raise NotFound(f"Account {account_id} does not manage actor {actor_id}")
    session.delete(link)
    session.flush()


def erase_account(session: Session, *, account_id: uuid.UUID) -> None:
    """Delete an account for good (the GDPR erasure): its tokens, the links to the actors it
    managed (the actors stay), its webhook subscriptions with their deliveries and attempts,
    its rate-limit window, and its name on match feedback (the feedback stays, by no one)."""
    get_account(session, account_id=account_id, for_update=True)
    subscriptions = select(col(WebhookSubscription.id)).where(
        col(WebhookSubscription.account_id) == account_id
    )
    deliveries = select(col(WebhookDelivery.id)).where(
        col(WebhookDelivery.subscription_id).in_(subscriptions)
    )
    for statement in (
        delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(deliveries)),
        delete(WebhookDelivery).where(col(WebhookDelivery.subscription_id).in_(subscriptions)),
        delete(WebhookSubscription).where(col(WebhookSubscription.account_id) == account_id),
        delete(ApiToken).where(col(ApiToken.account_id) == account_id),
        delete(AccountActor).where(col(AccountActor.account_id) == account_id),
        delete(RateLimitWindow).where(col(RateLimitWindow.key) == f"account:{account_id}"),
        update(MatchFeedback)
        .where(col(MatchFeedback.account_id) == account_id)
        .values(account_id=None),
        delete(Account).where(col(Account.id) == account_id),
    ):
        session.execute(statement.execution_options(synchronize_session=False))
    session.expire_all()


def create_token(
    session: Session, *, account_id: uuid.UUID, data: TokenCreate, principal: Principal
) -> TokenCreated:
    """A new bearer token for the account; the only time its secret is returned.

    A token minted with a token never outlives it (its expiry by default, 422 beyond), and a
    non-admin account holds at most MAX_ACTIVE_TOKENS that are neither revoked nor expired
    (409): tokens cannot escape an expiry or multiply. The service itself (`principal` without
    a token: the command line, the demo loader) mints freely."""
    # The lock serialises mints for one account, so that two at once cannot pass the cap.
    account = get_account(session, account_id=account_id, for_update=True)
    expires_at = data.expires_at  # aware, in UTC: `TokenCreate` refuses one without a zone
    if principal.token_id is not None:
        expires_at = _bounded_expiry(session, expires_at, minting_token_id=principal.token_id)
        if account.role is not Role.admin:
            _check_active_tokens(session, account_id=account_id)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        account_id=account_id, name=data.name, digest=digest(secret), expires_at=expires_at
    )
    session.add(token)
    session.flush()
    return TokenCreated.model_validate(token, update={"token": secret})


def _bounded_expiry(
    session: Session, expires_at: datetime | None, *, minting_token_id: uuid.UUID
) -> datetime | None:
    """The expiry of a token minted by another: at the latest the minting token's."""
    minting = session.get(ApiToken, minting_token_id)
    limit = None if minting is None or minting.expires_at is None else _aware(minting.expires_at)
    if limit is None or expires_at is None:
        return expires_at or limit
    if expires_at > limit:
        raise InvalidInput(
            [
                FieldError(
                    loc=("body", "expires_at"),
                    message="A token may not outlive the token that creates it: expires_at "
                    f"is at the latest {limit.isoformat()}",
                    type="outlives_token",
                )
            ]
        )
    return expires_at


def _check_active_tokens(session: Session, *, account_id: uuid.UUID) -> None:
    """409 when the account already holds MAX_ACTIVE_TOKENS usable tokens."""
    now = utcnow()
    active = session.execute(
        select(func.count())
        .select_from(ApiToken)
        .where(
            col(ApiToken.account_id) == account_id,
            col(ApiToken.revoked_at).is_(None),
            col(ApiToken.expires_at).is_(None) | (col(ApiToken.expires_at) > now),
        )
    ).scalar_one()
    if active >= MAX_ACTIVE_TOKENS:
        raise Conflict(
            f"The account already holds {MAX_ACTIVE_TOKENS} active tokens, the most it may; "
            "revoke one (DELETE /v1/accounts/{account_id}/tokens/{token_id}) first",
            max_active_tokens=MAX_ACTIVE_TOKENS,
        )


def list_tokens(session: Session, *, account_id: uuid.UUID, page: PageRequest) -> TokensPublic:
    """One page of the account's tokens, oldest first, revoked ones included; never secrets."""
    get_account(session, account_id=account_id)
    statement = (
        select(ApiToken)
        .where(col(ApiToken.account_id) == account_id)
        .order_by(col(ApiToken.created_at), col(ApiToken.id))
    )
    rows, total = fetch_page(session, statement, page)
    data = [TokenPublic.model_validate(token) for token in rows]
    return TokensPublic(data=data, count=total, limit=page.limit, offset=page.offset)


def revoke_token(session: Session, *, account_id: uuid.UUID, token_id: uuid.UUID) -> None:
    """Revoke a token at once (idempotent; 404 when it is not the account's)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.account_id != account_id:
        raise NotFound(f"No token {token_id} for account {account_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()


# The token, its account's role and the actors it manages in one query: it runs on every request
# (one row per managed actor, or one with no actor), so it is built once, not per call (building
# and keying a statement costs ten times as much as running this one on SQLite).
_AUTHENTICATE = (
    select(
        col(ApiToken.id),
        col(ApiToken.digest),
        col(ApiToken.account_id),
        col(ApiToken.revoked_at),
        col(ApiToken.expires_at),
        col(ApiToken.last_used_at),
        col(Account.role),
        col(AccountActor.actor_id),
    )
    .join(Account, col(Account.id) == col(ApiToken.account_id))
    .outerjoin(AccountActor, col(AccountActor.account_id) == col(Account.id))
    .where(col(ApiToken.digest) == bindparam("digest"))
)


def authenticate(connection: Connection, *, secret: str) -> tuple[Principal, bool]:
    """The principal a bearer token stands for, and whether its last use is due to be noted
    (note_token_use); 401 for unknown, revoked or expired tokens."""
    stored_form = digest(secret)
    rows = connection.execute(_AUTHENTICATE, {"digest": stored_form}).all()
    if not rows or not hmac.compare_digest(rows[0].digest, stored_form):
        raise Unauthorized("Unknown bearer token")
    stored = rows[0]
    now = datetime.now(UTC)
    if stored.revoked_at is not None:
        raise Unauthorized("This token was revoked")
    if stored.expires_at is not None and _aware(stored.expires_at) <= now:
        raise Unauthorized("This token has expired")
    principal = Principal(
        role=Role(stored.role),
        account_id=stored.account_id,
        token_id=stored.id,
        actor_ids=frozenset(row.actor_id for row in rows if row.actor_id is not None),
    )
    last_used = stored.last_used_at
    use_due = last_used is None or _aware(last_used) < now - LAST_USED_RESOLUTION
    return principal, use_due


def _aware(moment: datetime) -> datetime:
    """A stored time in UTC (columns without a zone hold UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def note_token_use(connection: Connection, *, token_id: uuid.UUID) -> None:
    """Record when a token was last used (at most once per LAST_USED_RESOLUTION)."""
    now = utcnow()
    connection.execute(
        update(ApiToken)
        .where(
            col(ApiToken.id) == token_id,
            (col(ApiToken.last_used_at).is_(None))
            | (col(ApiToken.last_used_at) < now - LAST_USED_RESOLUTION),
        )
        .values(last_used_at=now)
    )


def ensure_demo_accounts(
    session: Session, *, member_actor_external_id: str
) -> dict[Role, TokenCreated]:
    """A fresh token each for the demo admin and the demo member (accounts reused by name)."""
    member_actor_id = session.execute(
        select(col(Actor.id)).where(col(Actor.external_id) == member_actor_external_id)
    ).scalar_one_or_none()
    if member_actor_id is None:
        raise NotFound(f"No actor with external_id {member_actor_external_id!r}")
    tokens: dict[Role, TokenCreated] = {}
    for role, name in DEMO_ACCOUNTS.items():
        account = session.execute(
            select(Account)
            .where(col(Account.name) == name, col(Account.role) == role)
            .order_by(col(Account.created_at), col(Account.id))
            .limit(1)
        ).scalar_one_or_none()
        account_id = (
            account.id
            if account is not None
            else create_account(session, data=AccountCreate(name=name, role=role)).id
        )
        if role is Role.member:
            grant_actor(session, account_id=account_id, actor_id=member_actor_id)
        tokens[role] = create_token(
            session, account_id=account_id, data=TokenCreate(name="demo"), principal=SYSTEM
        )
    return tokens
