"""Evidence for tests: a short life of one content item, recorded the way the pipeline will."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qinglang.evidence import service
from qinglang.evidence.models import EvidenceRecord


def content_life(session: Session, content_id: int, *, actor_id: int | None = 7) -> list[EvidenceRecord]:
    snapshot = {"id": content_id, "kind": "post", "body": "据说明天全市停水，大家快囤水！", "author_id": 3}
    steps = [
        ("content:post:submitted", None, {"content": snapshot}),
        ("verdict:applied", None, {"action": "hold", "reasons": [
            {"rule_id": "MR-7.6", "rule_version": 1, "requirement": "R9.4", "score": 0.91}],
            "versions": {"policy": "2026.11", "model": "rumor-clf-3"}}),
        ("review:decided", actor_id, {"action": "remove", "rule_id": "MR-7.6", "note": "辟谣库命中"}),
        ("content:post:removed", actor_id, {"content": snapshot, "state": "removed"}),
    ]
    return [service.record(session, tag=tag, subject_type="content", subject_id=content_id,
                           actor_id=actor, payload=payload) for tag, actor, payload in steps]
