"""Accounts (people or service accounts), the actors they manage, and their API tokens."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from radar.models.base import AwareUtcDateTime, InputModel, Name, Page, enum_type, new_id, utcnow


class Role(StrEnum):
    admin = "admin"
    member = "member"
    analyst = "analyst"
    partner = "partner"


class AccountBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role = Field(sa_type=enum_type(Role))


class Account(AccountBase, table=True):
    __tablename__ = "account"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class AccountActor(SQLModel, table=True):
    """An account manages an actor: it may edit the actor and what the actor owns."""

    __tablename__ = "account_actor"

    account_id: uuid.UUID = Field(foreign_key="account.id", primary_key=True, ondelete="CASCADE")
    actor_id: uuid.UUID = Field(
        foreign_key="actor.id", primary_key=True, ondelete="CASCADE", index=True
    )


class ApiToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "api_token"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    digest: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class AccountCreate(AccountBase, InputModel):
    name: Name
    actor_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=100, description="Actors this account manages."
    )


class AccountPublic(AccountBase):
    id: uuid.UUID
    actor_ids: list[uuid.UUID]
    created_at: datetime


class TokenCreate(InputModel):
    name: Name
    expires_at: AwareUtcDateTime | None = Field(
        default=None,
        description="The timezone is required. Minted with a token that expires, at the latest "
        "when that token does (and then when absent); otherwise never expires when absent.",
    )


class TokenPublic(SQLModel):
    id: uuid.UUID
    account_id: uuid.UUID
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenPublic):
    token: str = Field(description="The bearer token; shown this once, stored only as a hash.")


class AccountsPublic(Page):
    data: list[AccountPublic]


class TokensPublic(Page):
    data: list[TokenPublic]
