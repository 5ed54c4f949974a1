"""UI text in Simplified Chinese (the default) and English.

The language comes from ``?lang=`` (which also sets a cookie) or the cookie; nothing guesses from
Accept-Language, so a page looks the same for everyone who has not chosen. A key missing from
English falls back to Chinese, and a key missing everywhere shows itself, so a gap is visible in
review rather than silently blank.
"""

from __future__ import annotations

from collections.abc import Callable

from qinglang.web import i18n_pages

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"

_TEXT: dict[str, tuple[str, str]] = {
    # frame
    "site.name": ("清朗", "Qinglang"),
    "site.tagline": ("网络虚假信息治理", "Governing false information online"),
    "nav.home": ("首页", "Home"),
    "nav.rules": ("规则", "Rules"),
    "nav.report": ("举报方式", "How to report"),
    "nav.me": ("我的", "My page"),
    "nav.review": ("审核工作台", "Review"),
    "nav.policy": ("策略", "Policy"),
    "nav.lexicon": ("词库", "Lexicon"),
    "nav.staffing": ("人员配置", "Staffing"),
    "nav.inbox": ("报告收件箱", "Report inbox"),
    "nav.supervision": ("监督统计", "Supervision"),
    "nav.compliance": ("合规报告", "Compliance"),
    "nav.complaints": ("投诉举报", "Complaints"),
    "nav.appeals": ("申诉", "Appeals"),
    "nav.credit": ("信用", "Credit"),
    "nav.debunks": ("辟谣", "Debunks"),
    "nav.feeds": ("推荐设置", "Feed settings"),
    "nav.sign_in": ("登录", "Sign in"),
    "nav.sign_out": ("退出", "Sign out"),
    "nav.language": ("English", "中文"),
    "nav.skip": ("跳到正文", "Skip to content"),
    "nav.signed_in_as": ("当前用户", "Signed in as"),
    # roles and states
    "role.user": ("用户", "user"),
    "role.reviewer": ("审核员", "reviewer"),
    "role.admin": ("管理员", "admin"),
    "role.authority": ("主管部门", "authority"),
    "state.pending": ("处理中", "pending"),
    "state.published": ("已发布", "published"),
    "state.limited": ("限制推荐", "limited"),
    "state.held": ("待人工审核", "held for review"),
    "state.blocked": ("未予发布", "blocked"),
    "state.removed": ("已删除", "removed"),
    "state.deleted": ("已自行删除", "deleted"),
    # public
    "home.title": ("最新内容", "Latest posts"),
    "home.empty": ("还没有内容。", "Nothing published yet."),
    "home.report": ("举报", "Report"),
    "home.report_hint": ("发现虚假或违法信息？点击举报", "Seen false or illegal information? Report it"),
    "home.by": ("作者", "by"),
    "home.more": ("更早的内容", "Older posts"),
    "home.label": ("标注", "Label"),
    "rules.title": ("平台规则与协议", "Rules and agreements"),
    "rules.version": ("版本", "Version"),
    "rules.published": ("发布于", "published"),
    "rules.citable": ("可引用的规则条目", "Citable rules"),
    "rules.report_target": ("你要举报的内容编号", "The item you are reporting"),
    "rules.report_pending": (
        "请按以下方式举报；在线举报表单将在投诉服务开通后出现在这里。",
        "Report it by the methods below; the online form appears here once the complaints service is on.",
    ),
    # sign in
    "signin.title": ("登录", "Sign in"),
    "signin.handle": ("用户名", "Handle"),
    "signin.password": ("密码", "Password"),
    "signin.submit": ("登录", "Sign in"),
    "signin.failed": ("用户名或密码错误。", "The handle or the password is wrong."),
    "signin.needed": ("请先登录。", "Please sign in first."),
    # own page
    "me.title": ("我的主页", "My page"),
    "me.account": ("账号", "Account"),
    "me.verified": ("已实名", "identity verified"),
    "me.unverified": ("未实名", "identity not verified"),
    "me.agreement": ("已接受用户协议版本", "User agreement accepted"),
    "me.compose": ("发布帖子", "New post"),
    "me.post_title": ("标题（可选）", "Title (optional)"),
    "me.post_body": ("正文", "Text"),
    "me.post_submit": ("发布", "Publish"),
    "me.posted": ("已提交。", "Submitted."),
    "me.content": ("我的内容", "My content"),
    "me.content_empty": ("你还没有发布内容。", "You have not posted anything yet."),
    "me.notices": ("通知", "Notices"),
    "me.notices_empty": ("没有通知。", "No notices."),
    "me.unread": ("未读", "unread"),
    "me.mark_read": ("全部标为已读", "Mark all read"),
    "me.state": ("状态", "State"),
    "me.history": ("处理记录", "History"),
    # review
    "review.queue": ("待审队列", "Review queue"),
    "review.queue_hint": (
        "超时的案件排在最前，其次按严重程度、传播量和时间。",
        "Overdue first, then severity, reach, age.",
    ),
    "review.empty": ("队列是空的。", "The queue is empty."),
    "review.case": ("案件", "Case"),
    "review.categories": ("类别", "Categories"),
    "review.severity": ("严重程度", "Severity"),
    "review.reach": ("传播量", "Reach"),
    "review.due": ("截止", "Due"),
    "review.overdue": ("已超时", "overdue"),
    "review.status": ("状态", "Status"),
    "review.reviews": ("审核次数", "Reviews"),
    "review.dual": ("双人复核", "dual review"),
    "review.content": ("内容", "Content"),
    "review.evidence": ("证据片段", "Evidence spans"),
    "review.reasons": ("判定理由", "Reasons"),
    "review.author": ("作者历史", "Author history"),
    "review.items_total": ("发布总数", "items posted"),
    "review.items_removed": ("被删除或拦截", "removed or blocked"),
    "review.account_events": ("账号处置记录", "account actions"),
    "review.decisions": ("已有审核意见", "Decisions so far"),
    "review.related": ("相关报告", "Related reports"),
    "review.decide": ("处置", "Decide"),
    "review.rule": ("依据规则", "Rule applied"),
    "review.note": ("备注", "Note"),
    "review.labels": ("标签（逗号分隔）", "Labels (comma separated)"),
    "review.allow": ("通过 / 恢复", "Allow / restore"),
    "review.label": ("加标签", "Label"),
    "review.limit": ("限制推荐", "Limit"),
    "review.remove": ("删除", "Remove"),
    "review.release": ("放回队列", "Release"),
    "review.shortcuts": (
        "快捷键：a 通过，l 加标签，m 限制推荐，r 删除，j/k 上下移动，回车 打开",
        "Shortcuts: a allow, l label, m limit, r remove, j/k move, Enter open",
    ),
    "review.decided": ("已处置，内容状态：", "Decided; the item is now "),
    "review.handed_off": (
        "已记录你的意见，案件交由第二位审核员复核。",
        "Recorded; the case goes to a second reviewer.",
    ),
    "review.escalated": ("两位审核员意见不一致，已升级给管理员。", "The reviewers disagree; an admin decides."),
    "review.open": ("打开", "Open"),
    # staff
    "policy.title": ("策略版本", "Policy versions"),
    "policy.version": ("版本", "Version"),
    "policy.in_force": ("生效中", "in force"),
    "policy.check": ("校验结果", "Check"),
    "policy.valid": ("通过", "valid"),
    "policy.invalid": ("有问题", "problems"),
    "policy.rules": ("条规则", "rules"),
    "policy.draft": ("草稿", "Draft"),
    "policy.run_check": ("校验", "Check"),
    "policy.run_backtest": ("回测", "Backtest"),
    "policy.backtest": ("回测结果", "Backtest"),
    "policy.items": ("条已判定内容", "decided items replayed"),
    "policy.changed": ("条结果会改变", "would change"),
    "policy.problems": ("问题", "Problems"),
    "lexicon.title": ("平台词库", "Platform lexicon"),
    "lexicon.term": ("词条", "Term"),
    "lexicon.category": ("类别", "Category"),
    "lexicon.tier": ("级别", "Tier"),
    "lexicon.versions": ("词库版本", "Lexicon versions"),
    "lexicon.empty": ("平台尚未添加自有词条（内置词库始终生效）。", "No platform terms yet (the shipped lists apply)."),
    "staffing.title": ("审核人员配置报告", "Reviewer staffing report"),
    "staffing.window": ("统计窗口（天）", "Window (days)"),
    "staffing.created": ("新增案件", "cases opened"),
    "staffing.decided": ("已处置案件", "cases decided"),
    "staffing.backlog": ("积压", "backlog"),
    "staffing.overdue": ("超时", "overdue"),
    "staffing.median": ("处置时长中位数（分钟）", "median minutes to decision"),
    "staffing.p90": ("处置时长 P90（分钟）", "p90 minutes to decision"),
    "staffing.needed": ("所需审核员", "reviewers needed"),
    "staffing.active": ("在岗审核员", "reviewers active"),
    "staffing.per_reviewer": ("每位审核员的处置量", "Decisions per reviewer"),
    # authority
    "inbox.title": ("报告收件箱", "Report inbox"),
    "inbox.department": ("部门", "Department"),
    "inbox.district": ("区县代码", "District code"),
    "inbox.category": ("类别", "Category"),
    "inbox.status": ("状态", "Status"),
    "inbox.filed": ("报告时间", "Filed"),
    "inbox.filter": ("筛选", "Filter"),
    "inbox.all": ("全部", "all"),
    "inbox.empty": ("没有符合条件的报告。", "No reports match."),
    "inbox.by_department": ("按部门", "By department"),
    "inbox.by_district": ("按区县", "By district"),
    "inbox.municipal": ("市级", "municipal"),
    "report.title": ("报告", "Report"),
    "report.snapshot": ("报告时的内容", "Content as reported"),
    "report.history": ("处理记录", "Handling"),
    "report.acknowledge": ("确认收到", "Acknowledge"),
    "report.note": ("备注", "Note"),
    "report.acknowledged": ("已确认收到。", "Acknowledged."),
    "supervision.title": ("监督统计", "Supervision figures"),
    "supervision.period": ("统计期间", "Period"),
    "supervision.total": ("报告总数", "reports filed"),
    "supervision.by_day": ("每日报告量（按类别）", "Reports per day by category"),
    "supervision.by_department": ("按部门", "By department"),
    "supervision.by_status": ("按处理状态", "By status"),
    "supervision.timing": ("处置时效", "Time to dispose"),
    "supervision.creation_to_filing": ("发布到报告", "posted → reported"),
    "supervision.filing_to_ack": ("报告到确认", "reported → acknowledged"),
    "supervision.complaints_sla": ("投诉按时处理率", "Complaints handled within SLA"),
    "supervision.count": ("数量", "count"),
    "supervision.no_data": ("本期间没有数据。", "No data in this period."),
    # compliance
    "compliance.title": ("合规报告", "Compliance report"),
    "compliance.intro": (
        "法规的每一项要求、证明其已落实的实时数据，以及覆盖它的测试。",
        "Every requirement of the regulation, the live figure that shows it is met, and the tests that cover it.",
    ),
    "compliance.id": ("编号", "ID"),
    "compliance.article": ("条", "Art."),
    "compliance.requirement": ("要求", "Requirement"),
    "compliance.status": ("状态", "Status"),
    "compliance.figure": ("实时数据", "Live figure"),
    "compliance.tests": ("测试", "Tests"),
    "compliance.met": ("已落实", "met"),
    "compliance.attention": ("需关注", "attention"),
    "compliance.pending": ("待上线", "not yet built"),
    "compliance.generated": ("生成时间", "Generated"),
    "compliance.no_tests": ("未找到测试源码", "test sources not found"),
    # errors and forms
    "error.title": ("无法完成", "That did not work"),
    "error.back": ("返回首页", "Back to the home page"),
    "error.role_required": ("你的账号没有访问此页面的权限。", "Your account may not open this page."),
    "error.not_found": ("页面或内容不存在。", "That page or item does not exist."),
    "error.csrf_failed": ("表单已过期，请刷新页面后重试。", "The form expired; reload the page and try again."),
    "form.required": ("必填", "required"),
    "form.fix": ("请修正下面标出的问题。", "Please correct the fields marked below."),
    "form.too_long": ("太长了", "too long"),
}

_TEXT.update(i18n_pages.TEXT)


def translator(language: str) -> Callable[[str], str]:
    index = 1 if language == "en" else 0

    def t(key: str) -> str:
        pair = _TEXT.get(key)
        return pair[index] if pair else key

    return t


def pick_language(query: str | None, cookie: str | None) -> str:
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate  # type: ignore[return-value]
        if candidate == "zh":
            return DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def has_text(key: str) -> bool:
    return key in _TEXT
