"""Request counters per caller and time window, shared by every API process."""

from sqlmodel import Field, SQLModel


class RateLimitWindow(SQLModel, table=True):
    __tablename__ = "rate_limit_window"

    key: str = Field(primary_key=True, max_length=200, description="account:<id> or ip:<address>")
    window: int = Field(description="Start of the window, in seconds since the epoch.")
    count: int = Field(default=0)
