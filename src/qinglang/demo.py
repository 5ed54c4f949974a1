"""A small demo platform: staff, verified users (one of them a minor), posts, replies, a message
and danmaku. Every item goes through the submission pipeline like real traffic.

The identity numbers are synthetic (valid check digits, no real person).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang import pipeline
from qinglang.authority import memberships
from qinglang.authority import service as authority_service
from qinglang.content.models import ContentKind
from qinglang.detection.signals import CATEGORIES
from qinglang.identity import service as identity_service
from qinglang.identity.id_numbers import check_digit
from qinglang.identity.models import Account, Role
from qinglang.review import service as review_service
from qinglang.rules import service as rules_service
from qinglang.rules.models import DocumentSlug
from qinglang.runtime import Runtime

DEMO_PASSWORD = "qinglang-demo"

# handle, role, mobile, (name, first 17 digits of a synthetic identity number) or None
_ACCOUNTS = (
    ("admin", Role.ADMIN, "13800000001", None),
    ("reviewer", Role.REVIEWER, "13800000002", ("审核员", "11010519800101001")),
    ("authority", Role.AUTHORITY, "13800000003", None),
    ("alice", Role.USER, "13900000001", ("张三", "11010519900307002")),
    ("bob", Role.USER, "13900000002", ("李四", "31011519880808003")),
    ("xiaoming", Role.USER, "13900000003", ("王小明", "44030620120601004")),  # a minor
    ("carol", Role.USER, "13900000004", None),  # registered, identity not verified
)

_POSTS = (
    ("alice", "春天的公园", "今天去公园散步，樱花开了，很多人在拍照。周末天气不错，推荐大家去看看。"),
    ("bob", "本周社区活动", "社区图书馆周六上午有亲子阅读活动，免费参加，欢迎带孩子来。"),
    ("alice", None, "Tried the new noodle place downtown. Friendly staff and fair prices."),
)


def load_demo(session: Session, runtime: Runtime, *, only_if_empty: bool = False) -> list[tuple[str, str]]:
    if only_if_empty and session.scalar(select(func.count(Account.id))):
        return []
    settings = runtime.settings
    agreement = rules_service.current(session, DocumentSlug.USER_AGREEMENT)
    accounts: dict[str, Account] = {}
    for handle, role, mobile, identity in _ACCOUNTS:
        account = identity_service.register(
            session, settings, handle=handle, password=DEMO_PASSWORD, mobile=mobile, role=role
        )
        if identity is not None:
            name, first17 = identity
            identity_service.verify_identity(
                session, settings, runtime.verifier, account,
                name=name, id_number=first17 + check_digit(first17), mobile=mobile,
            )
            rules_service.accept_agreement(session, account.id, agreement.version)
        accounts[handle] = account

    # The demo official acts for the municipal network information office and public security.
    routing = authority_service.routing_in_force()
    for department in ("cyberspace-municipal", "police-municipal"):
        memberships.add_member(session, department_id=department, account_id=accounts["authority"].id,
                               actor=accounts["admin"], routing=routing)

    def submit(author: str, draft: pipeline.Draft) -> int:
        return pipeline.submit(session, settings, runtime.gate, accounts[author], draft).id

    posts = [submit(author, pipeline.Draft(kind=ContentKind.POST, title=title, body=body))
             for author, title, body in _POSTS]
    first_post = posts[0]
    reply = submit("bob", pipeline.Draft(kind=ContentKind.REPLY, parent_id=first_post, body="照片拍得真好！"))
    submit("alice", pipeline.Draft(kind=ContentKind.REPLY, parent_id=reply, body="谢谢，下次一起去。"))
    submit("alice", pipeline.Draft(kind=ContentKind.MESSAGE, recipient_handle="bob", body="周六图书馆见？"))
    for offset, text in ((1500, "前方高能"), (3200, "这段太好看了"), (3300, "哈哈哈")):
        submit("xiaoming", pipeline.Draft(kind=ContentKind.DANMAKU, video_id="BV1demo", offset_ms=offset, body=text))
    # Something for the reviewer workbench: a post exposing a private person's details is held
    # for review (R9.4, R11.1); the demo reviewer is qualified for every category.
    review_service.grant(session, accounts["reviewer"], list(CATEGORIES), accounts["admin"].id)
    submit("bob", pipeline.Draft(kind=ContentKind.POST, title="曝光",
                                 body="大家看看这个人：王某，手机13912345678，住在北京市朝阳区建国路88号3单元501室，"
                                      "天天在小区里乱停车"))
    # A report for the complaints queue (R13.1): the ticket is accepted at once and joins a case.
    pipeline.report(session, settings, runtime.gate, accounts["alice"], content_id=posts[1], account_id=None,
                    category="illegal.false_information", note="活动时间写错了，图书馆周六不开门", evidence_links=[])
    _rumour_demo(session, runtime, accounts, submit)
    return [(handle, str(role)) for handle, role, _, _ in _ACCOUNTS]


_DEBUNK_DATA = "zh-debunk-covid/data.jsonl"
_DEMO_RUMOUR = "成都青白江区10月底开展全员核酸检测"


def _debunk_data() -> Path | None:
    for root in (Path("../shared/data"), Path(__file__).resolve().parents[2].parent / "shared" / "data"):
        if (root / _DEBUNK_DATA).exists():
            return root / _DEBUNK_DATA
    return None


def _rumour_demo(session: Session, runtime: Runtime, accounts: dict[str, Account],
                 submit: Callable[[str, pipeline.Draft], int]) -> None:
    """R9.7: a rumour posted before its debunk, seen by alice, swept when the bank is loaded,
    corrected for alice; the same rumour posted afterwards is labelled at once. Needs the
    zh-debunk-covid data set beside the project; without it this part is skipped."""
    from qinglang.db import utcnow
    from qinglang.feed import service as feed_service
    from qinglang.rumors import interchange, shingles
    from qinglang.rumors import service as rumors_service
    from qinglang.rumors import tasks as rumors_tasks

    path = _debunk_data()
    if path is None:
        return
    early = submit("bob", pipeline.Draft(kind=ContentKind.POST, body=f"转发扩散！{_DEMO_RUMOUR}，大家提前准备。"))
    rumors_service.index_content(session, early, None, f"转发扩散！{_DEMO_RUMOUR}，大家提前准备。")
    feed_service.record_exposures(session, accounts["alice"].id, [early], "feed")
    target = None
    for row in interchange.from_debunk_dataset(path):
        if not shingles.shingle(row.text).matchable:
            continue
        claim, _ = rumors_service.upsert(session, row, actor_id=accounts["admin"].id, sweep=False)
        if row.text == _DEMO_RUMOUR:
            target = claim
    if target is None:
        return
    rumors_tasks.sweep(session, runtime.settings, runtime.gate, target.id, actor_id=accounts["admin"].id)
    rumors_service.record_hit(session, claim_id=target.id, content_id=early, similarity=1.0, action="limit",
                              stage="post_review", at=utcnow())
    rumors_tasks.correct_viewers(session, target.id, early, utcnow())
    submit("xiaoming", pipeline.Draft(kind=ContentKind.POST, body=f"听说{_DEMO_RUMOUR}，是真的吗"))

