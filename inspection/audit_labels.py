"""The audit trail (R21) in the bureau's words: the one table of what each recorded action is
called and what each changed field is called, and a change's values shown as words (a state's
label, 是/否, a date). The desk's 审计记录 screen shows these; the codes stay in the chain (they
are what is hashed). tests/test_audit_labels.py scans the code for every action `audit.record`
can be given and every field it can show, and fails on one without a label here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any

from tortoise import Tortoise
from tortoise.fields.data import CharEnumFieldInstance, IntEnumFieldInstance

from inspection import clock
from inspection.callup.states import STATE_LABELS as CALLUP_STATES
from inspection.credit.fact_reviews import STATE_LABELS as REVIEW_STATES
from inspection.credit.ledger import KIND_LABELS as CREDIT_KINDS
from inspection.credit.major_quarters import CATEGORY_LABELS
from inspection.draw.records import STATUS_LABELS as DRAW_STATUSES
from inspection.draw.verifier import KINDS as DRAW_KINDS
from inspection.fieldwork.inspections import STATE_LABELS as INSPECTION_STATES
from inspection.fieldwork.labels import (
    FOLLOW_UP_LABELS,
    ORDER_STATE_LABELS,
    RESULT_LABELS,
    REVIEW_LABELS,
)
from inspection.items.catalogue import STATUS_LABELS as ITEM_STATUSES
from inspection.notices.issuing import SHORT_TITLES
from inspection.notices.issuing import STATUS_LABELS as NOTICE_STATUSES
from inspection.planning.campaigns import LABELS as CAMPAIGN_STATES
from inspection.planning.sampling import STRATUM_LABELS
from inspection.publication.duties import KIND_LABELS as PUBLICATION_KINDS
from inspection.rosters.employers import GRADE_LABELS
from inspection.rosters.employers import STATUS_LABELS as EMPLOYER_STATUSES
from inspection.rosters.inspectors import ROLE_LABELS, SECTION_KIND_LABELS
from inspection.rosters.inspectors import STATUS_LABELS as STAFF_STATUSES
from models.enums import (
    AssessmentStatus,
    BlacklistStatus,
    CampaignKind,
    Grade,
    OutboxStatus,
    PenaltyProcedure,
    PlanStatus,
    ReportStatus,
)

# What an event is about: the audited object's table (`AuditEvent.object_type`).
OBJECT_TYPES: dict[str, str] = {
    "employer": "用人单位", "staff": "人员", "section": "科室", "conflict": "回避关系",
    "item": "抽查事项", "item_version": "事项版本", "annual_plan": "年度计划", "campaign": "抽查任务",
    "campaign_item": "任务事项", "draw": "抽取", "draw_entry": "抽取结果", "draw_stratum": "抽取分层",
    "callup": "召集", "inspection": "检查", "inspection_member": "检查人员", "finding": "检查结果",
    "evidence": "证据", "follow_up": "复查", "rectification_order": "限期改正指令", "notice": "文书",
    "penalty_decision": "处罚决定", "publication": "公示", "campaign_report": "抽查报告",
    "grade_assessment": "等级评价", "grade_change": "等级变更", "credit_event": "诚信档案事实",
    "blacklist_entry": "黑名单", "major_violation": "重大违法行为", "calendar_override": "工作日调整",
    "holiday_schedule": "节假日安排", "outbox": "待发消息", "role_change": "角色或科室调整",
    "credit_fact_review": "待复核的诚信档案事实",
    # Not a table: a quarter's 重大违法行为 list as one published object (inspection/credit/major.py).
    "major_violation_quarter": "重大违法行为季度公布",
}

UNKNOWN_ACTION = "其他操作"  # an action recorded by an older version, no longer in the code

ACTIONS: dict[str, str] = {
    # rosters
    "employer.create": "新增用人单位", "employer.update": "修改用人单位信息",
    "employer.grade": "用人单位等级变更", "section.create": "新增科室", "section.update": "修改科室",
    "staff.create": "新增人员", "staff.update": "修改人员信息",
    "staff.role_change.propose": "提出角色或科室调整", "staff.role_change.approve": "批准角色或科室调整",
    "staff.role_change.reject": "退回角色或科室调整",
    "conflict.declare": "登记回避关系", "conflict.delete": "撤销回避关系",
    "calendar.schedule_set": "录入节假日安排",
    # items and plans
    "item.create": "新增抽查事项", "item.amend": "修订抽查事项", "item.update_draft": "修改事项草稿",
    "item.publish": "公布抽查事项", "item.withdraw": "撤销抽查事项", "item.supersede": "事项旧版本被替代",
    "plan.submit": "提交年度抽查计划", "plan.publish": "公布年度抽查计划",
    # campaigns
    "campaign.create": "新建抽查任务", "campaign.edit": "修改抽查任务",
    "campaign.draft": "任务退回草稿", "campaign.approved": "批准抽查任务",
    "campaign.drawn": "任务完成抽取", "campaign.calling_up": "任务开始召集",
    "campaign.in_field": "任务进入实地检查", "campaign.reporting": "任务进入报告阶段",
    "campaign.closed": "任务办结", "campaign.cancelled": "取消抽查任务",
    "campaign.callup_started": "开始召集检查人员", "campaign.team_formed": "检查组组建完成",
    "campaign.leader_replaced": "更换组长", "demo.campaign": "建立演示任务",
    # draw
    "draw.commit": "抽取承诺（封存）", "draw.reveal": "揭示抽取结果", "draw.void": "抽取作废",
    # call-up
    "callup.call": "召集检查人员", "callup.skip": "召集时跳过", "callup.accept": "接受召集",
    "callup.decline": "因公务无法参加", "callup.decline_pending": "无法参加待处理",
    "callup.remind": "召集答复提醒", "callup.escalate": "召集逾期上报",
    "callup.replace": "递补检查人员", "callup.extend": "延长答复期限", "callup.chase": "催办召集答复",
    "callup.withdraw": "撤回召集", "callup.recused": "检查人员回避",
    "callup.order_exhausted": "候补名单已用完", "assignment.propose": "拟定检查分工",
    # field work
    "inspections.plan": "生成检查对象", "inspections.withdraw": "撤回检查对象",
    "inspection.assign": "分配检查人员", "inspection.member_removed": "移出检查人员",
    "inspection.check_in": "现场签到", "inspection.confirm": "确认检查结果",
    "inspection.submit": "提交检查结果", "inspection.close": "检查办结",
    "finding.record": "记录检查结果", "evidence.add": "上传证据", "evidence.remove": "删除证据",
    "evidence.review": "审核单位上传的材料", "penalty.record": "登记行政处罚决定",
    "rectification.issue": "下达限期改正指令", "rectification.deadline_confirmed": "改正期限确认",
    "rectification.follow_up": "复查", "rectification.rectified": "已整改",
    "rectification.escalate": "逾期未改正，移交处理", "rectification.overdue_chased": "逾期未改正催办",
    # notices
    "notice.issued": "签发文书", "notice.revoked": "撤销文书", "notice.superseded": "更正文书",
    "notice.viewed": "查看文书", "notice.downloaded": "下载文书",
    "notice.acknowledged": "单位确认收到文书", "notice.ack_failed": "确认收到时核验失败",
    "notice.evidence_uploaded": "单位上传整改材料", "notice.proved": "单位核验文书验证码",
    "notice.unlocked": "解除文书确认锁定",
    # publication
    "publication.duty_created": "生成公示任务", "publication.due_confirmed": "公示期限确认",
    "publication.published": "公示", "publication.auto_scheduled": "安排自动公示",
    "publication.withheld": "不予公示",
    # credit
    "credit.fact.record": "记录诚信档案事实", "credit.fact.propose": "提出诚信档案事实（待审核）",
    "credit.fact.approve": "批准诚信档案事实", "credit.fact.reject": "退回诚信档案事实", "credit.sync": "报送信用平台",
    "major_violation.record": "登记重大劳动保障违法行为",
    "grade.propose": "拟评等级", "grade.repropose": "重新拟评等级", "grade.confirm": "确认等级",
    "grade.reject": "退回等级评价", "grade.change": "等级变更",
    "blacklist.create": "列入黑名单（演示数据）", "blacklist.notice": "黑名单事先告知",
    "blacklist.hearing_confirmed": "陈述申辩期限确认", "blacklist.list": "决定列入黑名单",
    "blacklist.withdraw": "决定不予列入黑名单", "blacklist.remove": "提前移出黑名单",
    "blacklist.expire": "黑名单期满移出",
    # reports
    "report.open": "生成报告任务", "report.due_confirmed": "报告期限确认",
    "report.generate": "生成抽查工作报告", "report.approve": "批准抽查工作报告",
    "report.archive": "报告归档",
    # messages
    "outbox.failed": "消息发送失败", "outbox.retry": "重新发送消息",
}

FIELDS: dict[str, str] = {
    "id": "编号", "code": "编号", "name": "名称", "title": "标题", "kind": "类别", "status": "状态",
    "state": "状态", "reason": "理由", "basis": "依据", "year": "年度", "version": "版本",
    "note": "备注", "summary": "摘要", "content": "内容", "result": "结果", "cause": "事由",
    "description": "说明", "detail": "详情", "categories": "检查类别", "category": "类别",
    "source": "来源", "previous": "原等级", "grade": "信用等级", "day": "日期", "count": "数量",
    "position": "顺序", "rank": "名次", "key": "排序值", "size": "文件大小", "sha256": "文件指纹",
    "token": "查看口令", "topic": "消息类别", "payload": "消息内容", "attempts": "发送次数",
    "last_error": "最近的错误", "sent_at": "发送时间", "due_at": "预定时间", "locked_by": "处理进程",
    "locked_until": "锁定至", "idempotency_key": "消息标识", "sequence": "序号", "number": "文号",
    # people, sections, employers
    "mobile": "手机号", "is_admin": "政策法规科管理员", "section_id": "科室",
    "cert_no": "执法证号", "cert_valid_until": "执法证有效期至", "is_inspector": "执法检查人员",
    "is_leader": "组长", "is_initiator": "发起科室人员", "wecom_userid": "企业微信账号",
    "staff_id": "人员", "employer_id": "用人单位", "uscc": "统一社会信用代码",
    "legal_rep": "法定代表人", "headcount": "职工人数", "address": "地址",
    "last_inspected_on": "上次检查日期", "industry": "行业", "contact_phone": "联系电话",
    "township": "乡镇（街道）", "entity_name": "单位名称", "declared_by": "登记人",
    # items, plans, campaigns
    "withdrawn": "已撤销", "published_at": "公布时间", "method": "检查方式", "subject": "检查主体",
    "effective_from": "生效日期", "item_id": "抽查事项", "item_version_id": "事项版本",
    "late": "逾期提交", "submitted_at": "提交时间", "needs": "抽查需求", "plan_id": "年度计划",
    "plan": "年度计划", "reply_hours": "答复时限（小时）", "confidential": "保密",
    "leader_id": "组长", "inspectors_needed": "所需检查人员数", "confidentiality_note": "保密说明",
    "created_by_id": "创建人", "inspectors_per_employer": "每户检查人员数", "rules": "抽取规则",
    "purpose": "抽查目的", "use_of_results": "结果运用", "closed_at": "办结时间",
    "field_start": "实地检查开始", "field_end": "实地检查结束", "cancel_reason": "取消理由",
    "approved_at": "批准时间", "team_formed_at": "组建完成时间", "employers_needed": "抽取单位数",
    "campaign_id": "抽查任务", "campaign": "抽查任务",
    # draw
    "algorithm": "抽取算法", "secret": "随机种子", "committed_at": "承诺时间",
    "public_entropy": "公开随机数", "void_reason": "作废理由", "commitment": "承诺值",
    "entropy_source_date": "公开随机数日期", "witnesses": "见证人", "revealed_at": "揭示时间",
    "committed_by_id": "承诺人", "revealed_by_id": "揭示人", "exclusions": "排除名单",
    "voided_at": "作废时间", "draw_id": "抽取", "stratum": "分层", "strata": "分层",
    "candidate_count": "候选数", "candidates": "候选", "roster_hash": "名录指纹",
    "drawn": "抽中名单",
    # call-up
    "replaces_id": "递补对象", "answered_at": "答复时间", "task_id": "待办编号",
    "escalated_at": "上报时间", "reminded_at": "提醒时间", "response_code": "卡片答复码",
    "draw_entry_id": "抽取结果", "reply_deadline": "答复期限", "called_at": "召集时间",
    "callup_id": "召集", "callups": "召集", "members": "检查人员", "missing": "尚缺",
    "notified": "已通知",
    # field work
    "inspection_id": "检查", "inspection": "检查", "checkin_at": "签到时间",
    "window_start": "检查期开始", "window_end": "检查期结束", "checkin_lat": "签到纬度",
    "checkin_lng": "签到经度", "checkin_note": "签到说明", "confirmed_at": "确认时间",
    "visits": "检查对象", "finding_id": "检查结果", "finding_ids": "检查结果",
    "recorded_by_id": "记录人", "notice_id": "文书", "review_reason": "审核意见",
    "follow_up_id": "复查", "reviewed": "已审核", "reviewed_by_id": "审核人",
    "uploaded_by_id": "上传人", "reviewed_at": "审核时间", "content_type": "文件类型",
    "original_name": "文件名", "storage_key": "存储位置", "review_status": "审核结果",
    "thumbnail_key": "缩略图", "visited_on": "复查日期", "order_id": "限期改正指令",
    "order": "限期改正指令", "requirements": "改正要求", "deadline": "改正期限",
    "issued_by_id": "签发人", "working_days": "工作日数", "deadline_provisional": "期限待确认",
    "issued_on": "签发日期", "closed_on": "办结日期",
    # notices and penalties
    "ack_failures": "确认失败次数", "ack_lockouts": "锁定次数", "ack_locked_until": "锁定至",
    "event_id": "诚信档案事实", "superseded_by_id": "更正后的文书",
    "rectification_order_id": "限期改正指令", "status_reason": "状态说明", "issuer": "签发机关",
    "acknowledged_at": "确认收到时间", "decided_on": "决定日期", "amount_yuan": "罚款金额（元）",
    "effective_on": "生效日期", "procedure": "程序", "penalty_decision_id": "处罚决定",
    # publication
    "due_on": "应完成日期", "object_type": "对象类别", "withdrawn_reason": "撤回理由",
    "due_working_days": "期限（工作日）", "due_from": "期限起算日", "visible_from": "公开日期",
    "object_id": "对象编号", "withdrawn_at": "撤回时间", "due_provisional": "期限待确认",
    "withdrawn_basis": "撤回依据", "withdrawn_by_id": "撤回人", "auto_publish_at": "自动公示时间",
    # credit
    "source_id": "来源编号", "source_type": "来源类别", "occurred_on": "发生日期",
    "proposed": "拟评等级", "confirmed": "确认等级", "review_note": "审核意见",
    "clauses": "评价依据条款", "facts": "违法事实", "quarter": "季度", "handling": "处理情况",
    "decided_by_id": "决定人", "term_end": "期限届满", "hearing_provisional": "申辩期限待确认",
    "pledged_on": "承诺日期", "pledge": "信用承诺", "noticed_on": "告知日期",
    "hearing_until": "陈述申辩截止", "arrears_paid_on": "欠薪清偿日期", "removed_on": "移出日期",
    "removal_reason": "移出理由", "term_start": "列入日期",
    # reports, calendar
    "approved_by_id": "批准人", "pdf_key": "报告文件", "archived_at": "归档时间",
    "generated_at": "生成时间", "xlsx_key": "报告表格", "figures": "报告数据",
    "approval_note": "批准意见", "is_workday": "工作日", "entered_by_id": "录入人",
    "workdays": "调休上班日", "holidays": "放假日",
    # roster imports
    "changes": "调整内容", "decided_at": "审批时间", "proposed_by_id": "提出人", "roles": "角色",
    "section": "科室",
    "created": "新增", "added": "新增", "deleted": "删除", "merged": "合并", "unlinked": "解除关联",
}

# Enums that no other module puts into words.
_MORE_VALUES: dict[type[Enum], dict[Any, str]] = {
    BlacklistStatus: {BlacklistStatus.NOTICED: "已告知，陈述申辩中", BlacklistStatus.IN_FORCE: "已列入名单",
                      BlacklistStatus.REMOVED: "已提前移出", BlacklistStatus.EXPIRED: "期满移出",
                      BlacklistStatus.WITHDRAWN: "不予列入"},
    PlanStatus: {PlanStatus.SUBMITTED: "已提交", PlanStatus.PUBLISHED: "已公布"},
    CampaignKind: {CampaignKind.PLANNED: "计划内抽查", CampaignKind.ADHOC: "临时抽查"},
    PenaltyProcedure: {PenaltyProcedure.GENERAL: "一般程序", PenaltyProcedure.SIMPLE: "简易程序"},
    AssessmentStatus: {AssessmentStatus.PROPOSED: "待审核", AssessmentStatus.CONFIRMED: "已确认",
                       AssessmentStatus.REJECTED: "已退回"},
    ReportStatus: {ReportStatus.DUE: "待生成", ReportStatus.GENERATED: "已生成，待审核",
                   ReportStatus.ARCHIVED: "已审核归档"},
    OutboxStatus: {OutboxStatus.PENDING: "待发送", OutboxStatus.SENT: "已发送",
                   OutboxStatus.FAILED: "发送失败", OutboxStatus.CANCELLED: "已取消"},
}
_VALUE_TABLES: list[dict[Any, str]] = [
    CALLUP_STATES, CREDIT_KINDS, CATEGORY_LABELS, DRAW_STATUSES, INSPECTION_STATES,
    FOLLOW_UP_LABELS, ORDER_STATE_LABELS, RESULT_LABELS, REVIEW_LABELS, ITEM_STATUSES,
    SHORT_TITLES, NOTICE_STATUSES, REVIEW_STATES, CAMPAIGN_STATES, PUBLICATION_KINDS, GRADE_LABELS,
    EMPLOYER_STATUSES, SECTION_KIND_LABELS, STAFF_STATUSES, *_MORE_VALUES.values(),
]


# A grade on its own reads "A级" (the roster's column shows the bare letter under its heading).
_GRADE_WORDS = {str(k.value): v if len(v) > 1 else f"{v}级" for k, v in GRADE_LABELS.items()}
_SOURCES = {"import": "名录导入", "assessment": "等级评价", "manual": "人工调整"}  # GradeChange.source
# Values named by their field wherever they are recorded (also inside a nested record: a
# draw's strata).
_NAMED_VALUES: dict[str, dict[str, str]] = {
    "object_type": OBJECT_TYPES, "source_type": OBJECT_TYPES, "stratum": STRATUM_LABELS,
    "source": _SOURCES, "grade": _GRADE_WORDS, "previous": _GRADE_WORDS,
    "proposed": _GRADE_WORDS, "confirmed": _GRADE_WORDS,
    "roles": {k.removeprefix("is_"): v for k, v in ROLE_LABELS.items()},  # a role change's roles
}


def enum_words(enum_type: type[Enum]) -> dict[str, str] | None:
    """{code: word} for an enum, from its one label table."""
    if enum_type is Grade:
        return _GRADE_WORDS
    for table in _VALUE_TABLES:
        first = next(iter(table), None)
        if isinstance(first, enum_type):
            return {str(k.value): v for k, v in table.items()}
    return None


def _value_words(object_type: str) -> dict[str, dict[str, str]]:
    """Per field of the audited table, {code: word} for its enum values; the draw's kinds too."""
    words: dict[str, dict[str, str]] = dict(_NAMED_VALUES)
    for app in Tortoise.apps.values():
        for model in app.values():
            if model._meta.db_table != object_type:
                continue
            for name, f in model._meta.fields_map.items():
                if isinstance(f, CharEnumFieldInstance | IntEnumFieldInstance):
                    table = enum_words(f.enum_type)
                    if table:
                        words[name] = table
    if object_type == "draw":
        words["kind"] = dict(DRAW_KINDS)
    return words


def object_label(object_type: str) -> str:
    return OBJECT_TYPES.get(object_type, "其他对象")


def action_label(action: str) -> str:
    return ACTIONS.get(action, UNKNOWN_ACTION)


def field_label(field: str) -> str:
    return FIELDS.get(field, "其他信息")


@dataclass
class Change:
    field: str  # the code, as recorded
    label: str
    before: str | None  # None: not recorded on that side
    after: str | None


def _clauses(value: list[Any]) -> str:
    """A grade's clauses as their words and citation (their codes, like "C1", are internal)."""
    out = []
    for c in value:
        if not isinstance(c, dict):
            return _shown(value, None)
        facts = "、".join(str(f.get("summary", "")) for f in c.get("facts") or []
                         if isinstance(f, dict))
        out.append(f"{c.get('text', '')}（{c.get('citation', '')}）" + (f"：{facts}" if facts else ""))
    return "；".join(out)


def _shown(value: Any, words: dict[str, str] | None, name: str = "") -> str:
    if name == "clauses" and isinstance(value, list) and value:
        return _clauses(value)
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        if words and value in words:
            return words[value]
        try:
            at = dt.datetime.fromisoformat(value)
        except ValueError:
            return value if len(value) <= 160 else value[:159] + "…"
        if "T" not in value:
            return value
        local = at.astimezone(clock.BEIJING) if at.tzinfo else at
        return local.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list):
        return "、".join(_shown(v, words) for v in value) if value else "（无）"
    if isinstance(value, dict):
        return "；".join(f"{field_label(k)}：{_shown(v, _NAMED_VALUES.get(k))}"
                        for k, v in value.items())
    return str(value)


def changes(object_type: str, before: Any, after: Any) -> list[Change]:
    """The fields a change touched, in words: before → after (a creation: its values; a
    deletion: what was); a field recorded with the same value on both sides is left out."""
    b = before if isinstance(before, dict) else {}
    a = after if isinstance(after, dict) else {}
    words = _value_words(object_type)
    out = []
    for name in dict.fromkeys([*b, *a]):
        if name in b and name in a and b[name] == a[name]:
            continue
        out.append(Change(field=name, label=field_label(name),
                          before=_shown(b[name], words.get(name), name) if name in b else None,
                          after=_shown(a[name], words.get(name), name) if name in a else None))
    return out
