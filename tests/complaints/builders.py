"""Reports and reporter histories for complaint tests."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from qinglang.complaints.models import ComplaintTicket, TicketStatus
from tests.identity.builders import ApiUser

BENIGN = "社区图书馆周六下午有一场关于城市历史的讲座，欢迎大家参加。"


def report(client: TestClient, reporter: ApiUser, content_id: int, category: str = "illegal.false_information",
           note: str | None = None) -> dict:
    response = client.post("/v1/reports", headers=reporter.headers,
                           json={"content_id": content_id, "category": category, "note": note})
    assert response.status_code == 201, response.text
    return response.json()


def history(db, reporter_id: int, content_id: int, *, upheld: int, not_upheld: int) -> None:  # noqa: ANN001
    """A reporter's past, decided reports (setup: what months of reporting would have left)."""
    now = dt.datetime.now(dt.UTC)
    for n in range(upheld + not_upheld):
        db.add(ComplaintTicket(
            reporter_id=reporter_id, target_key=f"history:{n}", content_id=content_id,
            category="illegal.false_information", evidence_links=[], weight=0.5, severe=False,
            status=TicketStatus.RESULT_SENT, outcome="upheld" if n < upheld else "not_upheld",
            received_at=now - dt.timedelta(days=2), accepted_at=now - dt.timedelta(days=2),
            disposed_at=now - dt.timedelta(days=1), result_sent_at=now - dt.timedelta(days=1),
            accept_due_at=now, dispose_due_at=now,
        ))
    db.commit()


def decide(client: TestClient, reviewer: ApiUser, case_id: int, decision: str, rule_id: str) -> dict:
    claimed = client.post(f"/v1/review/cases/{case_id}/claim", headers=reviewer.headers)
    assert claimed.status_code == 200, claimed.text
    response = client.post(f"/v1/review/cases/{case_id}/decision", headers=reviewer.headers,
                           json={"decision": decision, "rule_id": rule_id})
    assert response.status_code == 200, response.text
    return response.json()
