"""Value sets stored in the database. Values are stable English codes; labels live in `inspection`."""

from enum import StrEnum


class SectionKind(StrEnum):
    INITIATING = "initiating"  # 发起科室 (e.g. 劳动保障监察支队)
    BUSINESS = "business"  # 业务科室
    POLICY = "policy"  # 政策法规科
    AFFILIATED = "affiliated"  # 直属单位


class StaffStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT = "left"


class Grade(StrEnum):
    """守法诚信等级. NONE is "not yet graded" (未评级)."""

    A = "A"
    B = "B"
    C = "C"
    NONE = "none"


class EmployerStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"  # 注销/吊销: never drawn


class BlacklistStatus(StrEnum):
    NOTICED = "noticed"  # 事先告知, hearing window open
    IN_FORCE = "in_force"
    REMOVED = "removed"  # early removal (信用修复)
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # dropped after the hearing


class ItemVersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


class PlanStatus(StrEnum):
    SUBMITTED = "submitted"
    PUBLISHED = "published"


class CampaignKind(StrEnum):
    PLANNED = "planned"  # from the annual plan (R13)
    ADHOC = "adhoc"  # 临时抽查


class CampaignState(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    DRAWN = "drawn"
    CALLING_UP = "calling_up"
    IN_FIELD = "in_field"
    REPORTING = "reporting"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class DrawKind(StrEnum):
    EMPLOYERS = "employers"
    INSPECTORS = "inspectors"


class DrawStatus(StrEnum):
    COMMITTED = "committed"
    REVEALED = "revealed"
    VOIDED = "voided"


class CallUpState(StrEnum):
    CALLED = "called"  # card sent, waiting for an answer
    ACCEPTED = "accepted"
    DECLINED = "declined"  # for official duty (R15), reason recorded
    SKIPPED = "skipped"  # no longer eligible when their turn came
    REPLACED = "replaced"  # no answer; the leader chose 递补
    WITHDRAWN = "withdrawn"  # campaign cancelled / draw voided


class InspectionState(StrEnum):
    PLANNED = "planned"  # employer drawn, team not complete
    ASSIGNED = "assigned"
    CHECKED_IN = "checked_in"
    SUBMITTED = "submitted"
    RECTIFYING = "rectifying"
    CLOSED = "closed"


class FindingResult(StrEnum):
    COMPLIANT = "compliant"  # 符合
    NONCOMPLIANT = "noncompliant"  # 不符合
    NOT_APPLICABLE = "not_applicable"  # 不适用


class RectificationState(StrEnum):
    OPEN = "open"
    RECTIFIED = "rectified"  # 已整改
    ESCALATED = "escalated"  # 转立案
    CANCELLED = "cancelled"


class EvidenceReview(StrEnum):
    PENDING = "pending"  # 待审核
    ACCEPTED = "accepted"  # 已采纳
    REJECTED = "rejected"  # 未采纳, with a reason


class FollowUpResult(StrEnum):
    RECTIFIED = "rectified"
    PARTIAL = "partial"
    NOT_RECTIFIED = "not_rectified"


class NoticeKind(StrEnum):
    INSPECTION = "inspection"  # 检查通知书
    RECTIFICATION = "rectification"  # 限期改正指令书
    REVIEW = "review"  # 整改复查意见书
    RESULT = "result"  # 检查结果告知书
    INQUIRY = "inquiry"  # 询问通知书
    PENALTY_NOTICE = "penalty_notice"  # 行政处罚告知书 (before the decision: 陈述、申辩、听证)
    PENALTY_DECISION = "penalty_decision"  # 行政处罚决定书 (of a recorded PenaltyDecision)


class NoticeStatus(StrEnum):
    ISSUED = "issued"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class PenaltyProcedure(StrEnum):
    # R17: decisions under the general procedure are published on the window.
    GENERAL = "general"  # 一般程序
    SIMPLE = "simple"  # 简易程序


class PublicationKind(StrEnum):
    ITEM_LIST = "item_list"
    PLAN = "plan"
    DRAW = "draw"
    RESULT = "result"
    PENALTY = "penalty"
    BLACKLIST = "blacklist"
    REPORT = "report"
    CANCELLATION = "cancellation"  # a campaign cancelled after its draw was announced
    MAJOR_VIOLATION = "major_violation"  # 重大劳动保障违法行为, one duty per quarter


class CreditEventKind(StrEnum):
    VIOLATION = "violation"
    PENALTY = "penalty"
    RECTIFIED = "rectified"
    REFUSED_RECTIFICATION = "refused_rectification"
    OBSTRUCTION = "obstruction"
    WAGE_ARREARS = "wage_arrears"
    CHILD_LABOUR = "child_labour"
    FORCED_LABOUR = "forced_labour"
    MASS_INCIDENT = "mass_incident"
    CRIMINAL = "criminal"
    FALSE_MATERIALS = "false_materials"
    BLACKLISTED = "blacklisted"
    BLACKLIST_REMOVED = "blacklist_removed"
    GRADE_CHANGED = "grade_changed"
    MAJOR_VIOLATION = "major_violation"  # 重大劳动保障违法行为 published (人社部令第29号)


class MajorViolationCategory(StrEnum):
    # The cases of 《重大劳动保障违法行为社会公布办法》 (人社部令第29号), 第五条.
    WAGE_ARREARS = "wage_arrears"  # 克扣、无故拖欠劳动者劳动报酬，数额较大的
    WAGE_REFUSAL_CRIMINAL = "wage_refusal_criminal"  # 拒不支付劳动报酬，移送司法机关追究刑事责任的
    SOCIAL_INSURANCE = "social_insurance"  # 不依法参加社会保险或者不依法缴纳社会保险费，情节严重的
    WORKING_HOURS = "working_hours"  # 违反工作时间和休息休假规定，情节严重的
    SPECIAL_PROTECTION = "special_protection"  # 违反女职工和未成年工特殊劳动保护规定，情节严重的
    CHILD_LABOUR = "child_labour"  # 违反禁止使用童工规定的
    SOCIAL_IMPACT = "social_impact"  # 因劳动保障违法行为造成严重不良社会影响的
    OTHER = "other"  # 其他重大劳动保障违法行为


class ReviewState(StrEnum):
    # A change one person proposes and a second person decides (four-eyes).
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class AssessmentStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class ReportStatus(StrEnum):
    DUE = "due"
    GENERATED = "generated"
    ARCHIVED = "archived"


class ReceiptState(StrEnum):
    PENDING = "pending"  # acknowledged to WeCom and kept; not applied yet
    DONE = "done"  # applied (or refused with an answer), in one transaction
    FAILED = "failed"  # could not be applied after every attempt; logged for operators


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the retry budget; visible to operators
    CANCELLED = "cancelled"
