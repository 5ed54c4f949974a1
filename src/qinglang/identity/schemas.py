from __future__ import annotations

import datetime as dt

from pydantic import Field

from qinglang.identity.models import AccountStatus, Feature, Role
from qinglang.schemas import RequestModel, ResponseModel, Text

HANDLE_PATTERN = r"^[A-Za-z0-9_\u4e00-\u9fff]{2,32}$"


class AccountCreate(RequestModel):
    handle: str = Field(pattern=HANDLE_PATTERN, description="2-32 letters, digits, _ or Chinese characters.")
    password: str = Field(min_length=8, max_length=128)
    mobile: str = Field(max_length=20, description="Mainland mobile number.")


class SessionCreate(RequestModel):
    handle: str = Field(max_length=64)
    password: str = Field(max_length=128)


class IdentityVerify(RequestModel):
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field(min_length=15, max_length=20, description="18-character resident identity number.")
    mobile: str = Field(max_length=20)


class AgreementAccept(RequestModel):
    version: int = Field(ge=1, description="The version of the user agreement being accepted.")


class StatusChange(RequestModel):
    status: AccountStatus
    until: dt.datetime | None = Field(None, description="For suspensions: when they lift.")
    reason: Text = Field(max_length=2000)
    rule_id: str = Field(max_length=40, description="The published rule the decision cites (R3.1).")


class RestrictionChange(RequestModel):
    features: list[Feature] = Field(description="Features the account may not use; [] lifts all.")
    reason: Text = Field(max_length=2000)
    rule_id: str = Field(max_length=40)


class MuteChange(RequestModel):
    until: dt.datetime | None = Field(description="Muted until this time; null lifts the mute.")
    reason: Text = Field(max_length=2000)
    rule_id: str = Field(max_length=40)


class RoleChange(RequestModel):
    role: Role
    reason: Text = Field(max_length=2000)


class IdentityView(ResponseModel):
    id_number_masked: str
    name_masked: str
    region_code: str
    verifier: str


class Account(ResponseModel):
    id: int
    handle: str
    role: Role
    status: AccountStatus
    status_until: dt.datetime | None
    muted_until: dt.datetime | None
    restrictions: list[str]
    mobile_masked: str
    verified: bool
    is_minor: bool | None = Field(description="Derived from the verified identity; null until verified.")
    agreement_version_accepted: int | None
    created_at: dt.datetime


class Token(ResponseModel):
    token: str
    token_type: str = "bearer"
    expires_at: dt.datetime
    account: Account


class AccountEvent(ResponseModel):
    id: int
    kind: str
    actor_id: int | None
    details: dict
    reason: str | None
    rule_id: str | None
    rule_version: int | None
    at: dt.datetime
