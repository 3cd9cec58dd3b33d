"""Action fields (Handlungsfelder): the strategic fields of the cluster."""

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class ActionFieldBase(SQLModel):
    slug: str = Field(primary_key=True, max_length=64)
    label_de: str = Field(max_length=200)
    label_en: str = Field(max_length=200)
    description_de: str = Field(default="", sa_type=sa.Text)


class ActionField(ActionFieldBase, table=True):
    __tablename__ = "action_field"


class ActionFieldPublic(ActionFieldBase):
    pass
