"""R14.4: reports reach the departments' webhooks after commit, signed, with retries and a log.

The webhook is a real HTTP server on 127.0.0.1 run by the test; the task runs with its own
sessions on the test's connection, so what it commits is still rolled back after the test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy.orm import sessionmaker

from qinglang.authority import service
from qinglang.authority.tasks import SIGNATURE_HEADER, deliver_pending
from qinglang.db import utcnow
from tests.authority.builders import SECRET, author, authority_settings, file, official, post
from tests.identity.builders import staff


class Webhook:
    """Answers with the given status codes in turn (the last one repeats) and keeps what it got."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.received: list[tuple[dict[str, str], bytes]] = []
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                webhook.received.append((dict(self.headers), body))
                status = webhook.statuses[min(len(webhook.received), len(webhook.statuses)) - 1]
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"busy")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/reports"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Webhook:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def task_sessions(db) -> sessionmaker:  # noqa: ANN001
    """Sessions for the task on the test's connection: its commits become savepoints."""
    return sessionmaker(
        bind=db.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def failing_twice() -> Iterator[Webhook]:
    with Webhook([500, 503, 200]) as webhook:
        yield webhook


def test_a_report_is_delivered_signed_after_two_failures(
    client, db, runtime, task_sessions, failing_twice, tmp_path, app
) -> None:
    """R14.4: retried with exponential backoff until the department's server accepts it."""
    from qinglang.authority.settings import get_authority_settings

    settings = authority_settings(
        tmp_path, {"police-310115": failing_twice.url}, authority_backoff_seconds=60
    )
    app.dependency_overrides[get_authority_settings] = lambda: settings
    t0 = utcnow()
    [report] = file(db, settings, post(client, author(client)), category="illegal.privacy", now=t0)
    db.commit()

    first = deliver_pending(task_sessions, t0, settings=settings)
    assert (first.delivered, first.retrying) == (0, 1)
    assert (
        deliver_pending(task_sessions, t0 + dt.timedelta(seconds=59), settings=settings).sent == 0
    )
    second = deliver_pending(task_sessions, t0 + dt.timedelta(seconds=60), settings=settings)
    assert second.retrying == 1
    # The second failure doubles the wait: nothing due at 60 + 119 s, the third try at 60 + 120 s.
    assert (
        deliver_pending(task_sessions, t0 + dt.timedelta(seconds=179), settings=settings).sent == 0
    )
    third = deliver_pending(task_sessions, t0 + dt.timedelta(seconds=180), settings=settings)
    assert third.delivered == 1
    assert deliver_pending(task_sessions, t0 + dt.timedelta(days=1), settings=settings).sent == 0

    assert len(failing_twice.received) == 3
    headers, body = failing_twice.received[-1]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == expected
    sent = json.loads(body)
    assert sent["number"] == report.number and sent["department_id"] == "police-310115"
    assert (
        sent["evidence_ref"] == "evidence:42"
        and sent["content"]["body"] == "传言某地发生重大事故，大家快转发"
    )

    db.expire_all()  # the API shares the test's session, which still holds the pre-delivery rows
    admin = staff(client, db, runtime, "admin")
    officer = official(client, db, runtime, admin, "police-310115")
    detail = client.get(f"/v1/authority/reports/{report.id}", headers=officer.headers).json()
    assert detail["delivery_state"] == "delivered"
    [delivery] = detail["deliveries"]
    assert [(a["number"], a["status_code"]) for a in delivery["log"]] == [
        (1, 500),
        (2, 503),
        (3, 200),
    ]
    assert (
        delivery["log"][0]["error"].startswith("HTTP 500") and delivery["log"][2]["error"] is None
    )


def test_delivery_gives_up_after_the_configured_attempts(
    client, db, task_sessions, tmp_path
) -> None:
    """R14.4: a department that never answers ends in `failed`, visible in the report."""
    with Webhook([502]) as webhook:
        settings = authority_settings(
            tmp_path,
            {"police-310115": webhook.url},
            authority_max_attempts=3,
            authority_backoff_seconds=1,
        )
        t0 = utcnow()
        [report] = file(
            db, settings, post(client, author(client)), category="illegal.privacy", now=t0
        )
        db.commit()
        runs = [
            deliver_pending(task_sessions, t0 + dt.timedelta(hours=n), settings=settings)
            for n in range(5)
        ]
    assert [(r.retrying, r.failed) for r in runs] == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
    assert len(webhook.received) == 3
    db.refresh(report)
    assert report.delivery_state == "failed"


def test_nothing_is_sent_for_a_filing_that_rolled_back(
    client, db, task_sessions, failing_twice, tmp_path
) -> None:
    """The outbox is written in the filer's transaction: no report leaves for an undone filing."""
    settings = authority_settings(tmp_path, {"police-310115": failing_twice.url})
    item = post(client, author(client))
    db.commit()
    with db.begin_nested() as savepoint:
        file(db, settings, item, category="illegal.privacy")
        savepoint.rollback()
    assert (
        deliver_pending(task_sessions, utcnow() + dt.timedelta(hours=1), settings=settings).sent
        == 0
    )
    assert failing_twice.received == []


def test_reports_are_never_sent_unsigned(
    client, db, task_sessions, failing_twice, tmp_path
) -> None:
    """A department without a configured secret gets nothing; the log says why."""
    settings = authority_settings(
        tmp_path, {"police-310115": failing_twice.url}, authority_webhook_secrets={}
    )
    [report] = file(db, settings, post(client, author(client)), category="illegal.privacy")
    db.commit()
    run = deliver_pending(task_sessions, utcnow(), settings=settings)
    assert run.retrying == 1 and failing_twice.received == []
    [(_, attempts)] = service.deliveries(db, report.id)
    assert attempts[0].error == "no webhook secret configured for police-310115"
