"""``authority.deliver``: push filed reports to the departments' webhooks, after commit.

Filing only writes an outbox row in the filer's transaction, so a rolled-back filing is never
sent. This task claims due rows in one short transaction, sends with no transaction open (a slow
webhook must not hold SQLite's single writer), then records each outcome in its own transaction.
A claim is a lease: if the worker dies mid-send, the row becomes due again when the lease ends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from dataclasses import dataclass

import httpx
import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from qinglang.authority.models import (
    AuthorityDelivery,
    AuthorityDeliveryAttempt,
    AuthorityReport,
    DeliveryState,
)
from qinglang.authority.settings import AuthoritySettings, get_authority_settings
from qinglang.db import transaction, utcnow

SIGNATURE_HEADER = "X-Qinglang-Signature"


@dataclass(frozen=True)
class Outgoing:
    delivery_id: int
    attempt: int
    url: str
    department_id: str
    body: bytes


@dataclass
class DeliveryRun:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def sent(self) -> int:
        return self.delivered + self.retrying + self.failed


def sign(secret: str, body: bytes) -> str:
    """The signature header's value; departments recompute it over the raw body to verify."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def payload(report: AuthorityReport) -> bytes:
    document = {
        "number": report.number,
        "report_id": report.id,
        "department_id": report.department_id,
        "category": report.category,
        "severity": report.severity,
        "rule": {"id": report.rule_id, "version": report.rule_version},
        "summary": report.summary,
        "evidence_ref": report.evidence_ref,
        "district": report.district,
        "content": report.content_snapshot,
        "filed_at": report.filed_at.isoformat(),
    }
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS)


def backoff(settings: AuthoritySettings, attempts: int) -> dt.timedelta:
    seconds = settings.authority_backoff_seconds * 2 ** (attempts - 1)
    return dt.timedelta(seconds=min(seconds, settings.authority_backoff_cap_seconds))


def _claim(factory: sessionmaker[Session], now: dt.datetime, settings: AuthoritySettings) -> list[Outgoing]:
    lease = dt.timedelta(seconds=settings.authority_webhook_timeout_seconds * 2 + 30)
    with transaction(factory) as session:
        due = (
            select(AuthorityDelivery)
            .where(
                AuthorityDelivery.state == DeliveryState.PENDING,
                AuthorityDelivery.next_attempt_at <= now,
            )
            .order_by(AuthorityDelivery.next_attempt_at, AuthorityDelivery.id)
            .limit(settings.authority_delivery_batch)
            .with_for_update(skip_locked=True)  # PostgreSQL workers share the queue; SQLite ignores it
        )
        claimed = []
        for delivery in session.scalars(due):
            delivery.next_attempt_at = now + lease
            report = session.get_one(AuthorityReport, delivery.report_id)
            claimed.append(
                Outgoing(
                    delivery.id,
                    delivery.attempts + 1,
                    delivery.url,
                    delivery.department_id,
                    payload(report),
                )
            )
        return claimed


def _send(client: httpx.Client, outgoing: Outgoing, settings: AuthoritySettings) -> tuple[int | None, str | None]:
    secret = settings.authority_webhook_secrets.get(outgoing.department_id)
    if not secret:
        # Never send unsigned: the department could not tell our report from a forgery.
        return None, f"no webhook secret configured for {outgoing.department_id}"
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, outgoing.body),
        "X-Qinglang-Delivery": str(outgoing.delivery_id),
        "X-Qinglang-Attempt": str(outgoing.attempt),
    }
    try:
        response = client.post(outgoing.url, content=outgoing.body, headers=headers)
    except httpx.HTTPError as error:
        return None, f"{type(error).__name__}: {error}"[:1000]
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}: {response.text[:200]}"


def _record(
    factory: sessionmaker[Session],
    outgoing: Outgoing,
    status_code: int | None,
    error: str | None,
    duration_ms: int,
    now: dt.datetime,
    settings: AuthoritySettings,
) -> DeliveryState:
    with transaction(factory) as session:
        delivery = session.get_one(AuthorityDelivery, outgoing.delivery_id, with_for_update=True)
        report = session.get_one(AuthorityReport, delivery.report_id)
        session.add(
            AuthorityDeliveryAttempt(
                delivery_id=delivery.id,
                number=outgoing.attempt,
                status_code=status_code,
                error=error,
                duration_ms=duration_ms,
                at=now,
            )
        )
        delivery.attempts = outgoing.attempt
        if error is None:
            delivery.state = DeliveryState.DELIVERED
            delivery.delivered_at = now
        elif delivery.attempts >= settings.authority_max_attempts:
            delivery.state = DeliveryState.FAILED
        else:
            delivery.next_attempt_at = now + backoff(settings, delivery.attempts)
        report.delivery_state = delivery.state
        return delivery.state


def deliver_pending(
    session_factory: sessionmaker[Session],
    now: dt.datetime | None = None,
    *,
    settings: AuthoritySettings | None = None,
    client: httpx.Client | None = None,
) -> DeliveryRun:
    """Send every due delivery once; returns what happened. Safe to run from several workers."""
    settings = settings or get_authority_settings()
    now = now or utcnow()
    run = DeliveryRun()
    outgoing = _claim(session_factory, now, settings)
    if not outgoing:
        return run
    own_client = client is None
    client = client or httpx.Client(timeout=settings.authority_webhook_timeout_seconds)
    try:
        for item in outgoing:
            started = time.perf_counter()
            status_code, error = _send(client, item, settings)
            duration_ms = round((time.perf_counter() - started) * 1000)
            state = _record(session_factory, item, status_code, error, duration_ms, now, settings)
            if state == DeliveryState.DELIVERED:
                run.delivered += 1
            elif state == DeliveryState.FAILED:
                run.failed += 1
            else:
                run.retrying += 1
    finally:
        if own_client:
            client.close()
    return run
