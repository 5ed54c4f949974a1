"""Live figures for the compliance report, one small query each, over the last 30 days.

Every figure is read from the records the system keeps anyway (decisions, state changes, cases,
evidence, reports): none is a counter of its own, so none can drift from what happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qinglang.authority.models import AuthorityReport, DeliveryState
from qinglang.content.models import VISIBLE_STATES, ContentFingerprint, ContentItem, ContentState, ContentStateChange
from qinglang.db import utcnow
from qinglang.evidence import service as evidence_service
from qinglang.identity.models import Account, AccountEvent, Role
from qinglang.policy import service as policy_service
from qinglang.policy.compiler import PolicyInvalid
from qinglang.policy.models import Decision
from qinglang.review import staffing
from qinglang.review.models import Inspection, RereviewJob, ReviewerQualification
from qinglang.rules import service as rules_service
from qinglang.rules.models import AgreementAcceptance, DocumentSlug
from qinglang.settings import Settings
from qinglang.web.compliance import Figure

WINDOW = dt.timedelta(days=30)
Measure = Callable[[Session, Settings], Figure]


def _since() -> dt.datetime:
    return utcnow() - WINDOW


def _count(session: Session, statement: object) -> int:
    return int(session.scalar(statement) or 0)  # type: ignore[call-overload]


def _share(part: int, whole: int) -> str:
    return "—" if not whole else f"{100 * part / whole:.1f}%"


def _tally(session: Session, column: object, key: object, since_column: object | None = None) -> str:
    """``value count, …`` of rows grouped by ``column`` (in the window when ``since_column``)."""
    statement = select(column, func.count(key)).group_by(column)  # type: ignore[arg-type]
    if since_column is not None:
        statement = statement.where(since_column >= _since())  # type: ignore[operator]
    counts = dict(session.execute(statement).all())
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "—"


def under_rules(requirement: str) -> Measure:
    """For requirements the published rules implement: how many rules cite it, and how many
    actions were taken under those rules in the window."""

    def measure(session: Session, _: Settings) -> Figure:
        rule_ids = {
            rule.rule_id
            for document in rules_service.current_documents(session)
            for rule in document.rules
            if requirement in rule.requirements
        }
        actions = (
            _count(
                session,
                select(func.count(ContentStateChange.id)).where(
                    ContentStateChange.rule_id.in_(rule_ids), ContentStateChange.at >= _since()
                ),
            )
            if rule_ids
            else 0
        )
        status = "met" if rule_ids else "attention"
        return Figure(
            status,
            f"{len(rule_ids)} 条已公布规则引用本要求；近 30 天依据这些规则处置 {actions} 次",
            f"{len(rule_ids)} published rules cite it; {actions} actions under them in 30 days",
        )

    return measure


def r3_1(session: Session, _: Settings) -> Figure:
    changes = select(func.count(ContentStateChange.id)).where(
        ContentStateChange.at >= _since(),
        ContentStateChange.to_state.in_(
            [ContentState.HELD, ContentState.LIMITED, ContentState.BLOCKED, ContentState.REMOVED]
        ),
    )
    total = _count(session, changes)
    cited = _count(session, changes.where(ContentStateChange.rule_id.is_not(None)))
    return Figure(
        "met" if cited == total else "attention",
        f"近 30 天 {total} 次处置中 {cited} 次引用了已公布规则（{_share(cited, total)}）",
        f"{cited} of {total} actions in 30 days cite a published rule ({_share(cited, total)})",
    )


def r4_1(session: Session, _: Settings) -> Figure:
    recent = select(func.count(AuthorityReport.id)).where(AuthorityReport.filed_at >= _since())
    filed = _count(session, recent)
    acknowledged = _count(session, recent.where(AuthorityReport.acknowledged_at.is_not(None)))
    departments = _count(
        session,
        select(func.count(func.distinct(AuthorityReport.department_id))).where(AuthorityReport.filed_at >= _since()),
    )
    return Figure(
        "met",
        f"近 30 天向 {departments} 个部门报告 {filed} 份，已确认收到 {acknowledged} 份",
        f"{filed} reports to {departments} departments in 30 days, {acknowledged} acknowledged",
    )


def r4_2(session: Session, _: Settings) -> Figure:
    rows = session.execute(
        select(AuthorityReport.filed_at, AuthorityReport.content_created_at).where(AuthorityReport.filed_at >= _since())
    ).all()
    waits = sorted((filed - created).total_seconds() for filed, created in rows)
    median = f"{waits[len(waits) // 2]:.0f} s" if waits else "—"
    return Figure(
        "met",
        f"监督统计页按类别、部门、日期展示 {len(rows)} 份报告；发布到报告中位数 {median}",
        f"supervision charts over {len(rows)} reports; median time from posting to report {median}",
    )


def r9_1(session: Session, _: Settings) -> Figure:
    current = policy_service.current_version(session)
    if current is None:
        return Figure("attention", "没有生效的策略", "no policy in force")
    try:
        rules = len(policy_service.check(session, current.text).rules)
        valid = True
    except PolicyInvalid:
        rules, valid = 0, False
    versions = len(policy_service.versions(session))
    return Figure(
        "met" if valid else "attention",
        f"生效策略第 {current.version} 版（共 {versions} 版），{rules} 条规则，校验{'通过' if valid else '未通过'}",
        f"policy version {current.version} of {versions} in force, {rules} rules, {'valid' if valid else 'INVALID'}",
    )


def r9_2(session: Session, _: Settings) -> Figure:
    accounts = _count(session, select(func.count(Account.id)))
    verified = _count(session, select(func.count(Account.id)).where(Account.identity_id.is_not(None)))
    return Figure(
        "met",
        f"注册账号 {accounts} 个，其中实名 {verified} 个",
        f"{accounts} accounts registered, {verified} with verified identity",
    )


def r9_3(session: Session, _: Settings) -> Figure:
    events = _count(session, select(func.count(AccountEvent.id)).where(AccountEvent.at >= _since()))
    return Figure(
        "met", f"近 30 天账号管理操作 {events} 次（均有记录）", f"{events} account actions recorded in 30 days"
    )


def r9_4(session: Session, _: Settings) -> Figure:
    created = select(ContentItem.id).where(ContentItem.created_at >= _since())
    total = _count(session, select(func.count()).select_from(created.subquery()))
    reviewed = _count(
        session,
        select(func.count(func.distinct(Decision.content_id))).where(
            Decision.stage == "pre_publication", Decision.content_id.in_(created)
        ),
    )
    return Figure(
        "met" if reviewed == total else "attention",
        f"近 30 天提交 {total} 条，发布前审核 {reviewed} 条（{_share(reviewed, total)}）",
        f"{reviewed} of {total} items in 30 days judged before publication ({_share(reviewed, total)})",
    )


def r9_5(session: Session, _: Settings) -> Figure:
    jobs = _count(session, select(func.count(RereviewJob.id)).where(RereviewJob.status == "done"))
    judged = _count(session, select(func.sum(RereviewJob.processed)))
    changed = _count(session, select(func.sum(RereviewJob.changed)))
    return Figure(
        "met",
        f"已完成复查任务 {jobs} 个，复查 {judged} 条，结果改变 {changed} 条",
        f"{jobs} post-review jobs done, {judged} items re-judged, {changed} changed",
    )


def r9_6(session: Session, _: Settings) -> Figure:
    inspected = _count(session, select(func.count(Inspection.content_id)).where(Inspection.at >= _since()))
    return Figure(
        "met", f"近 30 天在传播阈值处实时巡查 {inspected} 条", f"{inspected} items inspected at reach milestones"
    )


def r10_1(session: Session, _: Settings) -> Figure:
    published = {d.slug for d in rules_service.current_documents(session)}
    acceptances = _count(session, select(func.count(AgreementAcceptance.id)))
    complete = published >= {str(s) for s in DocumentSlug}
    return Figure(
        "met" if complete else "attention",
        f"已公布文件 {len(published)}/{len(DocumentSlug)} 份，用户协议接受记录 {acceptances} 条",
        f"{len(published)} of {len(DocumentSlug)} documents published; {acceptances} acceptances kept",
    )


def r10_2(session: Session, _: Settings) -> Figure:
    unverified = _count(
        session,
        select(func.count(ContentItem.id))
        .join(Account, Account.id == ContentItem.author_id)
        .where(Account.identity_id.is_(None)),
    )
    return Figure(
        "met" if unverified == 0 else "attention",
        f"未实名账号发布的内容：{unverified} 条",
        f"items published by accounts without verified identity: {unverified}",
    )


def r11_1(session: Session, settings: Settings) -> Figure:
    report = staffing.report(session, settings, days=30)
    median = "—" if report.median_minutes_to_decision is None else f"{report.median_minutes_to_decision:.0f}"
    return Figure(
        "met" if report.overdue == 0 else "attention",
        f"近 30 天处置案件 {report.cases_decided} 件，积压 {report.backlog} 件（超时 {report.overdue} 件），"
        f"处置时长中位数 {median} 分钟",
        f"{report.cases_decided} cases decided in 30 days; backlog {report.backlog} "
        f"({report.overdue} overdue); median {median} min to decision",
    )


def r11_2(session: Session, settings: Settings) -> Figure:
    report = staffing.report(session, settings, days=30)
    reviewers = _count(session, select(func.count(Account.id)).where(Account.role == Role.REVIEWER))
    qualified = _count(session, select(func.count(func.distinct(ReviewerQualification.account_id))))
    enough = reviewers >= report.reviewers_needed
    return Figure(
        "met" if enough else "attention",
        f"审核员 {reviewers} 人（有分类资质 {qualified} 人），按当前工作量需要 {report.reviewers_needed:.1f} 人",
        f"{reviewers} reviewers ({qualified} qualified per category); the volume needs {report.reviewers_needed:.1f}",
    )


def r12_1(session: Session, _: Settings) -> Figure:
    text = _tally(session, ContentItem.recommendation, ContentItem.id)
    return Figure("met", f"各推荐模式的内容数：{text}", f"items per recommendation mode: {text}")


def r13_2(session: Session, _: Settings) -> Figure:
    shown = _count(session, select(func.count(ContentItem.id)).where(ContentItem.state.in_(VISIBLE_STATES)))
    return Figure(
        "met",
        f"公开页面上 {shown} 条内容，每条都有醒目的举报入口",
        f"{shown} public items, each with a prominent report entry",
    )


def r13_3(session: Session, _: Settings) -> Figure:
    document = rules_service.current(session, DocumentSlug.REPORTING_METHODS)
    return Figure(
        "met", f"举报方式第 {document.version} 版已公布", f"reporting methods version {document.version} published"
    )


def r14_1(session: Session, _: Settings) -> Figure:
    taken_down = (ContentState.REMOVED, ContentState.BLOCKED)
    recent = _count(
        session,
        select(func.count(ContentStateChange.id)).where(
            ContentStateChange.to_state.in_(taken_down), ContentStateChange.at >= _since()
        ),
    )
    from qinglang.content import service as content_service

    leaked = _count(
        session,
        select(func.count(ContentItem.id)).where(content_service.visible_to(None), ContentItem.state.in_(taken_down)),
    )
    return Figure(
        "met" if leaked == 0 else "attention",
        f"近 30 天拦截或删除 {recent} 条；其中仍可公开访问：{leaked} 条",
        f"{recent} items blocked or removed in 30 days; still publicly readable: {leaked}",
    )


def r14_2(session: Session, _: Settings) -> Figure:
    bank = _count(session, select(func.count(ContentFingerprint.id)))
    return Figure(
        "met",
        f"指纹库中 {bank} 条已删除内容的指纹，用于拦截转发和复制",
        f"{bank} removed items fingerprinted: their re-posts and copies are refused",
    )


def r14_3(session: Session, settings: Settings) -> Figure:
    result = evidence_service.verify(session)
    age = "—" if result.oldest_at is None else f"{(utcnow() - result.oldest_at).days}"
    ok = result.ok
    return Figure(
        "met" if ok else "attention",
        f"证据链{'校验通过' if ok else '校验失败'}：{result.count} 条记录，最早一条 {age} 天前，"
        f"保存期限 {settings.evidence_retention_days} 天",
        f"evidence chain {'verified' if ok else 'BROKEN'}: {result.count} records, oldest {age} days old, "
        f"kept {settings.evidence_retention_days} days",
    )


def r14_4(session: Session, _: Settings) -> Figure:
    recent = select(func.count(AuthorityReport.id)).where(AuthorityReport.filed_at >= _since())
    filed = _count(session, recent)
    # A department without a webhook reads its inbox: its reports are there the moment they are filed.
    delivered = _count(
        session, recent.where(AuthorityReport.delivery_state.in_((DeliveryState.DELIVERED, DeliveryState.INBOX_ONLY)))
    )
    return Figure(
        "met",
        f"近 30 天报告 {filed} 份，已送达或进入部门收件箱 {delivered} 份（{_share(delivered, filed)}）",
        f"{filed} reports filed in 30 days, {delivered} delivered or in the department's inbox "
        f"({_share(delivered, filed)})",
    )


def r15_1(session: Session, _: Settings) -> Figure:
    text = _tally(session, ContentItem.kind, ContentItem.id, ContentItem.created_at)
    return Figure("met", f"近 30 天用户参与：{text}", f"user participation in 30 days: {text}")


FIGURES: dict[str, Measure] = {
    **{rid: under_rules(rid) for rid in ("R7.1", "R7.2", "R7.3", "R8.1", "R8.2")},
    "R3.1": r3_1,
    "R4.1": r4_1,
    "R4.2": r4_2,
    "R9.1": r9_1,
    "R9.2": r9_2,
    "R9.3": r9_3,
    "R9.4": r9_4,
    "R9.5": r9_5,
    "R9.6": r9_6,
    "R10.1": r10_1,
    "R10.2": r10_2,
    "R11.1": r11_1,
    "R11.2": r11_2,
    "R12.1": r12_1,
    "R13.2": r13_2,
    "R13.3": r13_3,
    "R14.1": r14_1,
    "R14.2": r14_2,
    "R14.3": r14_3,
    "R14.4": r14_4,
    "R15.1": r15_1,
}
