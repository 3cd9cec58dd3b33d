"""Accounts, the actors they manage, and their bearer tokens: `/v1/me`, `/v1/accounts`."""

import uuid

from fastapi import Request, Response, status

from radar.api.auth import PrincipalDep, authenticated_router
from radar.api.deps import PageDep, SessionDep
from radar.api.errors import problems
from radar.models.account import (
    AccountCreate,
    AccountPublic,
    AccountsPublic,
    TokenCreate,
    TokenCreated,
    TokensPublic,
)
from radar.services import access, accounts
from radar.services.access import require_admin, require_signed_in

router = authenticated_router(prefix="/v1", tags=["accounts"])


@router.get("/me", response_model=AccountPublic)
def read_me(session: SessionDep, principal: PrincipalDep) -> AccountPublic:
    """The caller's own account (the one its bearer token belongs to) and the actors it
    manages."""
    return accounts.read_account(session, account_id=accounts.own_account_id(principal))


@router.post(
    "/accounts",
    status_code=status.HTTP_201_CREATED,
    response_model=AccountPublic,
    responses=problems(403, body=True),
)
def create_account(
    body: AccountCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
    response: Response,
) -> AccountPublic:
    """Create an account with a role, managing the listed actors (admins only). It has no
    token yet: create one with `POST /v1/accounts/{account_id}/tokens`."""
    require_admin(principal)
    account = accounts.create_account(session, data=body)
    response.headers["Location"] = str(request.url_for("read_account", account_id=account.id))
    return account


@router.get("/accounts", response_model=AccountsPublic, responses=problems(403, 422))
def list_accounts(session: SessionDep, principal: PrincipalDep, page: PageDep) -> AccountsPublic:
    """List accounts by name (admins only); `count` is the total over all pages."""
    require_signed_in(principal)
    require_admin(principal)
    return accounts.list_accounts(session, page=page)


@router.get("/accounts/{account_id}", response_model=AccountPublic, responses=problems(404, 422))
def read_account(
    account_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> AccountPublic:
    """Read one account: admins any, everyone else only their own (404 for the others)."""
    access.require_own_account(principal, account_id=account_id)
    return accounts.read_account(session, account_id=account_id)


@router.delete(
    "/accounts/{account_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(404, 422),
)
def erase_account(account_id: uuid.UUID, session: SessionDep, principal: PrincipalDep) -> None:
    """Delete an account for good (the GDPR erasure; admins any, everyone else its own): its
    tokens, the links to the actors it managed (the actors stay), its webhook subscriptions with
    their deliveries, and its name on match feedback. Erasing an actor is
    `DELETE /v1/actors/{id}`."""
    access.require_own_account(principal, account_id=account_id)
    accounts.erase_account(session, account_id=account_id)


@router.put(
    "/accounts/{account_id}/actors/{actor_id}",
    response_model=AccountPublic,
    responses=problems(403, 404, 422),
)
def grant_actor(
    account_id: uuid.UUID, actor_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> AccountPublic:
    """Let the account manage the actor (admins only; idempotent)."""
    access.require_own_account(principal, account_id=account_id)
    require_admin(principal)
    return accounts.grant_actor(session, account_id=account_id, actor_id=actor_id)


@router.delete(
    "/accounts/{account_id}/actors/{actor_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(403, 404, 422),
)
def revoke_actor(
    account_id: uuid.UUID, actor_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> None:
    """The account no longer manages the actor (admins only; 404 when it did not)."""
    access.require_own_account(principal, account_id=account_id)
    require_admin(principal)
    accounts.revoke_actor(session, account_id=account_id, actor_id=actor_id)


@router.post(
    "/accounts/{account_id}/tokens",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenCreated,
    responses=problems(404, 409, body=True),
)
def create_token(
    account_id: uuid.UUID,
    body: TokenCreate,
    session: SessionDep,
    principal: PrincipalDep,
    response: Response,
) -> TokenCreated:
    """Create a bearer token for the account (admins any, everyone else their own). The
    response is the only time the token is shown: only its hash is stored.

    The new token expires at the latest when the caller's token does (by default then; 422
    for a later `expires_at`). A non-admin account holds at most 20 active tokens (409
    beyond: revoke one first)."""
    access.require_own_account(principal, account_id=account_id)
    response.headers["Cache-Control"] = "no-store"
    return accounts.create_token(session, account_id=account_id, data=body, principal=principal)


@router.get(
    "/accounts/{account_id}/tokens",
    response_model=TokensPublic,
    responses=problems(404, 422),
)
def list_tokens(
    account_id: uuid.UUID, session: SessionDep, principal: PrincipalDep, page: PageDep
) -> TokensPublic:
    """List the account's tokens, revoked ones included (admins any, everyone else their
    own); never their secrets."""
    access.require_own_account(principal, account_id=account_id)
    return accounts.list_tokens(session, account_id=account_id, page=page)


@router.delete(
    "/accounts/{account_id}/tokens/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(404, 422),
)
def revoke_token(
    account_id: uuid.UUID, token_id: uuid.UUID, session: SessionDep, principal: PrincipalDep
) -> None:
    """Revoke a token: it is refused (401) from the next request on (admins any, everyone
    else their own; idempotent)."""
    access.require_own_account(principal, account_id=account_id)
    accounts.revoke_token(session, account_id=account_id, token_id=token_id)
