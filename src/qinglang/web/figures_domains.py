"""Live figures for complaints, appeals, credit, the debunk bank and feeds, over the last 30 days.

Like ``figures``, each is read from the records those domains keep (tickets, credit events, claim
hits, interventions, preferences), never from a counter of its own. ``complaint_sla`` also draws
the authority's "complaints handled within SLA" chart, so the page and the report agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from qinglang.complaints.models import ComplaintTicket
from qinglang.content.models import ContentItem
from qinglang.credit.models import CreditEvent
from qinglang.db import utcnow
from qinglang.feed.models import FeedPreference, InterestTag, Intervention
from qinglang.rumors import service as rumors_service
from qinglang.rumors.models import Claim, ClaimHit, ClaimStatus
from qinglang.settings import Settings
from qinglang.web.compliance import Figure
from qinglang.web.figures import Measure, _count, _share, _since, _tally

# Below this share of complaints disposed on time the report asks for attention (R13.4).
SLA_TARGET = 0.95


@dataclass(frozen=True)
class SlaRow:
    category: str
    within: int
    late: int
    open_overdue: int

    @property
    def judged(self) -> int:
        return self.within + self.late + self.open_overdue


def complaint_sla(session: Session, since: dt.datetime | None = None) -> list[SlaRow]:
    """Per category, tickets received since ``since``: disposed by their deadline, disposed late,
    and still open past it (an open ticket within its deadline is not judged yet)."""
    since = since or _since()
    now = utcnow()
    on_time = ComplaintTicket.disposed_at <= ComplaintTicket.dispose_due_at
    rows = session.execute(
        select(
            ComplaintTicket.category,
            func.sum(case((ComplaintTicket.disposed_at.is_not(None) & on_time, 1), else_=0)),
            func.sum(case((ComplaintTicket.disposed_at.is_not(None) & ~on_time, 1), else_=0)),
            func.sum(
                case((ComplaintTicket.disposed_at.is_(None) & (ComplaintTicket.dispose_due_at < now), 1), else_=0)
            ),
        )
        .where(ComplaintTicket.received_at >= since)
        .group_by(ComplaintTicket.category)
        .order_by(ComplaintTicket.category)
    ).all()
    return [SlaRow(c, int(w or 0), int(late or 0), int(o or 0)) for c, w, late, o in rows]


def r5_1(session: Session, _: Settings) -> Figure:
    published = _count(
        session,
        select(func.count(Claim.id)).where(
            Claim.status == ClaimStatus.ACTIVE, Claim.verdict.in_(rumors_service.DEBUNKED)
        ),
    )
    return Figure(
        "met" if published else "attention",
        f"公开辟谣页面 {published} 篇（/debunks，另有 ClaimReview 数据源供媒体转载）",
        f"{published} public debunk pages (/debunks, also a ClaimReview feed for media)",
    )


def r6_1(session: Session, _: Settings) -> Figure:
    encouraged = _count(session, select(func.count(ContentItem.id)).where(ContentItem.recommendation == "encourage"))
    return Figure("met", f"标记为鼓励推荐的内容 {encouraged} 条", f"{encouraged} items marked as encouraged")


def r9_7(session: Session, _: Settings) -> Figure:
    bank = _count(session, select(func.count(Claim.id)).where(Claim.status == ClaimStatus.ACTIVE))
    hits = _count(session, select(func.count(ClaimHit.id)).where(ClaimHit.disposed_at >= _since()))
    return Figure(
        "met" if bank else "attention",
        f"辟谣库 {bank} 条；近 30 天据此认定不实内容 {hits} 条",
        f"{bank} claims in the debunk bank; {hits} items ruled false on them in 30 days",
    )


def r10_3(session: Session, _: Settings) -> Figure:
    text = _tally(session, CreditEvent.kind, CreditEvent.id, CreditEvent.at)
    return Figure(
        "met",
        f"信用等级已公布；近 30 天信用记录（均附原因）：{text}",
        f"credit tiers published; credit events in 30 days, each with its reason: {text}",
    )


def r12_2(session: Session, _: Settings) -> Figure:
    now = utcnow()
    active = _count(
        session,
        select(func.count(Intervention.id)).where(Intervention.revoked_at.is_(None), Intervention.expires_at > now),
    )
    recent = _count(session, select(func.count(Intervention.id)).where(Intervention.created_at >= _since()))
    return Figure(
        "met",
        f"生效中的人工干预 {active} 项；近 30 天新增 {recent} 项，每项都有理由和到期时间",
        f"{active} manual interventions in force; {recent} made in 30 days, each with a reason and an expiry",
    )


def r12_3(session: Session, _: Settings) -> Figure:
    off = _count(session, select(func.count(FeedPreference.account_id)).where(FeedPreference.personalised.is_(False)))
    tags = _count(session, select(func.count()).select_from(InterestTag))
    return Figure(
        "met",
        f"{off} 个账号关闭了个性化推荐；用户可查看、删除的兴趣标签 {tags} 个",
        f"{off} accounts turned personalisation off; {tags} interest tags users can see and delete",
    )


def r13_1(session: Session, _: Settings) -> Figure:
    recent = select(func.count(ComplaintTicket.id)).where(ComplaintTicket.received_at >= _since())
    total = _count(session, recent)
    on_accounts = _count(session, recent.where(ComplaintTicket.account_id.is_not(None)))
    return Figure(
        "met",
        f"近 30 天受理举报 {total} 件（其中针对账号 {on_accounts} 件）",
        f"{total} reports accepted in 30 days ({on_accounts} about accounts)",
    )


def r13_4(session: Session, _: Settings) -> Figure:
    rows = complaint_sla(session)
    within = sum(r.within for r in rows)
    judged = sum(r.judged for r in rows)
    ok = not judged or within / judged >= SLA_TARGET
    return Figure(
        "met" if ok else "attention",
        f"近 30 天到期的举报中按时处理 {within}/{judged}（{_share(within, judged)}）",
        f"{within} of {judged} reports due in 30 days disposed on time ({_share(within, judged)})",
    )


def r13_5(session: Session, _: Settings) -> Figure:
    disposed = select(func.count(ComplaintTicket.id)).where(
        ComplaintTicket.disposed_at.is_not(None), ComplaintTicket.received_at >= _since()
    )
    total = _count(session, disposed)
    told = _count(session, disposed.where(ComplaintTicket.result_sent_at.is_not(None)))
    return Figure(
        "met" if told == total else "attention",
        f"近 30 天处理完毕的举报 {total} 件，已向举报人反馈结果 {told} 件",
        f"{total} reports disposed in 30 days, result sent to the reporter for {told}",
    )


def r15_2(session: Session, _: Settings) -> Figure:
    decided = select(func.count(ComplaintTicket.id)).where(
        ComplaintTicket.outcome.is_not(None), ComplaintTicket.received_at >= _since()
    )
    total = _count(session, decided)
    upheld = _count(session, decided.where(ComplaintTicket.outcome == "upheld"))
    return Figure(
        "met",
        f"近 30 天用户举报经核实属实 {upheld}/{total}（{_share(upheld, total)}）",
        f"{upheld} of {total} user reports upheld in 30 days ({_share(upheld, total)})",
    )


FIGURES: dict[str, Measure] = {
    "R5.1": r5_1,
    "R6.1": r6_1,
    "R9.7": r9_7,
    "R10.3": r10_3,
    "R12.2": r12_2,
    "R12.3": r12_3,
    "R13.1": r13_1,
    "R13.4": r13_4,
    "R13.5": r13_5,
    "R15.2": r15_2,
}
