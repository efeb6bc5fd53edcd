"""What the demo's three staged campaigns are about: items, sampling rules, and the problems the
inspectors find on which visit (a rectification order, a penalty), in the bureau's words.

`{month}` in a text is the month before the visit ("10月"), the period the records checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Violation:
    """A problem put right under a 限期改正指令书: found, ordered, evidence uploaded by the
    employer and reviewed, a follow-up visit (回访), the 整改复查意见书."""

    item: str  # item code
    description: str
    basis: str  # the provision broken
    requirement: str  # what the order requires
    working_days: int  # the order's deadline
    upload_after: int  # working days from the order to the employer's upload
    review_after: int  # working days from the upload to its review (then the follow-up)
    upload_name: str
    report: tuple[str, ...]  # the employer's rectification report, line by line
    checked: str  # what the follow-up visit (回访) looked at
    review: str  # the 复查意见


@dataclass(frozen=True)
class Penalty:
    """A problem punished under the general procedure: 行政处罚告知书, then the decision."""

    item: str
    description: str
    basis: str  # the provision broken
    cause: str  # 案由
    penalty_basis: str
    result: str
    amount: Decimal
    notice_after: int = 5  # working days from the visit to the 行政处罚告知书
    decide_after: int = 12  # working days from the visit to the decision
    served_after: int = 2  # working days from the decision to its service (it takes effect)


@dataclass(frozen=True)
class Theme:
    serial: int  # the code is <year of approval>-FL-<serial>
    name: str  # the title after the period: "2026年第三季度" + name
    purpose: str
    items: tuple[str, ...]
    rules: dict[str, Any]
    leader: int  # which of the demo's leaders leads it
    orders: dict[int, Violation] = field(default_factory=dict)  # by visit index
    penalties: dict[int, Penalty] = field(default_factory=dict)
    inspectors: int = 6
    every: int = 2  # working days between visits


METHOD = "现场检查与书面审查相结合"
USE_OF_RESULTS = ("检查结果向社会公示，记入用人单位劳动保障守法诚信档案，作为劳动保障守法诚信等级评价"
                  "依据；发现的违法行为依法责令改正或者给予行政处罚")
INSPECTION_BODY = "请你单位指定熟悉情况的负责人陪同检查，如实提供有关材料。"
RESULT_BODY = "感谢你单位对劳动保障监察工作的支持和配合。"
MATERIALS = {
    "LDBZ-02": "职工名册及劳动合同", "LDBZ-04": "女职工和未成年工名册及体检记录",
    "LDBZ-05": "近三个月考勤记录和排班表", "LDBZ-06": "近十二个月工资支付记录",
    "LDBZ-07": "社会保险登记证明和缴费凭证", "LWPQ-01": "劳务派遣协议和被派遣劳动者名册",
    "NMG-01": "农民工工资专用账户开户及拨付记录", "NMG-02": "劳动用工实名制登记台账",
    "NMG-04": "施工现场维权信息告示牌照片",
}
FINE = {  # how a compliant finding is written down, item by item
    "LDBZ-02": "抽查职工名册与劳动合同，均已依法订立书面劳动合同",
    "LDBZ-04": "女职工“三期”保护和未成年工登记体检符合规定",
    "LDBZ-05": "{month}考勤记录显示延长工作时间未超过法定上限",
    "LDBZ-06": "工资按月足额以货币形式支付，不低于重庆市最低工资标准",
    "LDBZ-07": "已办理社会保险登记，{month}社会保险费已足额缴纳",
    "LWPQ-01": "未使用被派遣劳动者",
    "NMG-01": "已开设农民工工资专用账户，人工费用按月拨付",
    "NMG-02": "已实行用工实名制管理，建立了用工管理台账",
    "NMG-04": "施工现场已设立维权信息告示牌，内容齐全",
}
NOT_APPLICABLE = {"LDBZ-04": "该单位现无女职工和未成年工"}

CONTRACTS = Violation(
    item="LDBZ-02",
    description="抽查职工名册46人，其中6名劳动者自用工之日起超过一个月未订立书面劳动合同",
    basis="《中华人民共和国劳动合同法》第十条第二款",
    requirement="与上述6名劳动者补订书面劳动合同，建立劳动合同管理台账，并将补订情况书面报送本局",
    working_days=10, upload_after=4, review_after=1, upload_name="劳动合同补签情况报告.pdf",
    report=("关于补订书面劳动合同的整改情况报告", "",
            "我单位收到限期改正指令书后，立即组织人事部门对全部在岗职工的劳动合同进行了清查。",
            "一、已与指令书所列6名劳动者补订书面劳动合同，合同期限自实际用工之日起算；",
            "二、已建立劳动合同管理台账，新入职人员在入职当日签订劳动合同；",
            "三、已指定人事专员每月核对职工名册与劳动合同。",
            "附件：补订劳动合同6份（复印件）、劳动合同管理台账。"),
    checked="现场核查补订的6份劳动合同和劳动合同管理台账",
    review="你单位已与6名劳动者补订书面劳动合同，并建立了劳动合同管理台账，整改符合要求")
NOTICE_BOARD = Violation(
    item="NMG-04",
    description="施工现场未设立维权信息告示牌，未公示农民工工资支付和维权投诉渠道",
    basis="《保障农民工工资支付条例》第三十四条",
    requirement="在施工现场醒目位置设立维权信息告示牌，公示项目负责人、劳资专管员、工资支付日期和"
                "投诉举报电话等信息",
    working_days=5, upload_after=3, review_after=1, upload_name="维权信息告示牌设立情况.pdf",
    report=("关于设立维权信息告示牌的整改情况报告", "",
            "我公司已在项目施工现场大门入口处设立维权信息告示牌，公示以下内容：",
            "一、建设单位、施工总承包单位及所在项目部、分包单位名称；",
            "二、项目负责人、劳资专管员的姓名和联系方式；",
            "三、当地最低工资标准、工资支付日期；",
            "四、劳动保障监察和行业主管部门的投诉举报电话。",
            "附件：告示牌现场照片。"),
    checked="到施工现场查看维权信息告示牌的位置和内容",
    review="你单位已在施工现场醒目位置设立维权信息告示牌，公示内容齐全，整改符合要求")
REAL_NAMES = Violation(
    item="NMG-02",
    description="施工现场在岗农民工38人，其中9人未进行用工实名登记，项目部未建立用工管理台账",
    basis="《保障农民工工资支付条例》第二十八条",
    requirement="对施工现场全部农民工进行用工实名登记，建立并按规定保存用工管理台账",
    working_days=20, upload_after=13, review_after=2, upload_name="实名制管理整改报告.pdf",
    report=("关于用工实名制管理的整改情况报告", "",
            "一、已对施工现场全部38名农民工完成实名登记，并录入重庆市农民工实名制管理平台；",
            "二、已建立用工管理台账，记录考勤和工资发放情况，台账保存至工程完工后三年；",
            "三、已安排劳资专管员每日核对进场人员。",
            "附件：实名登记名册、用工管理台账（节选）。"),
    checked="核对施工现场在岗农民工与实名登记名册、用工管理台账",
    review="你单位施工现场农民工已全部完成实名登记，并建立了用工管理台账，整改符合要求")
DISPATCH = Violation(
    item="LWPQ-01",
    description="用工总量162人，其中被派遣劳动者35人，占用工总量的21.6%，超过百分之十的比例上限",
    basis="《劳务派遣暂行规定》第四条",
    requirement="制定调整用工方案，将被派遣劳动者数量降至不超过用工总量的百分之十，并报本局备案",
    working_days=20, upload_after=10, review_after=1, upload_name="劳务派遣用工调整方案.pdf",
    report=("劳务派遣用工调整方案", "", "一、将19名从事主营业务岗位的被派遣劳动者转为直接用工；",
            "二、调整后被派遣劳动者16人，占用工总量的9.9%。"),
    checked="核对用工名册、劳务派遣协议和新订立的劳动合同",
    review="你单位被派遣劳动者已降至用工总量的百分之十以内，整改符合要求")
OVERTIME = Penalty(
    item="LDBZ-05",
    description="查阅{month}考勤记录，12名一线员工当月延长工作时间58至72小时，"
                "超过每月三十六小时的法定上限",
    basis="《中华人民共和国劳动法》第四十一条",
    cause="延长劳动者工作时间超过法定上限",
    penalty_basis="《劳动保障监察条例》第二十五条",
    result="给予警告，并处罚款人民币3600元（按受侵害的劳动者12人、每人300元计算）",
    amount=Decimal("3600"))

THEMES: tuple[Theme, ...] = (
    Theme(serial=11, name="劳动用工专项双随机抽查",
          purpose="检查用人单位订立劳动合同、遵守工作时间、支付工资和参加社会保险的情况",
          items=("LDBZ-02", "LDBZ-05", "LDBZ-06", "LDBZ-07"),
          rules={"strata": {"A": {"count": 2}, "B": {"count": 2}, "C": {"count": 1},
                            "ungraded": {"count": 1}, "blacklist": {"all": True}}},
          leader=1, orders={1: CONTRACTS}, penalties={3: OVERTIME}),
    Theme(serial=12, name="工程建设领域农民工工资支付专项抽查",
          purpose="检查建筑施工企业农民工工资专用账户、用工实名制和维权信息公示制度落实情况",
          items=("NMG-01", "NMG-02", "NMG-04", "LDBZ-06"),
          rules={"strata": {"A": {"count": 2}, "B": {"count": 1}, "C": {"count": 1},
                            "ungraded": {"count": 1}, "blacklist": {"all": True}},
                 "filters": {"categories": ["建筑施工企业"]}},
          leader=2, orders={0: NOTICE_BOARD, 5: REAL_NAMES}),
    Theme(serial=13, name="劳务派遣用工和工作时间专项抽查",
          purpose="检查用人单位劳务派遣用工比例、工作时间和女职工、未成年工特殊劳动保护情况",
          items=("LWPQ-01", "LDBZ-05", "LDBZ-04"),
          rules={"strata": {"A": {"count": 2}, "B": {"count": 2}, "C": {"count": 1},
                            "ungraded": {"count": 1}, "blacklist": {"all": True}}},
          leader=3, orders={1: DISPATCH}, every=1),
)
DECLINE_REASON = "参加区安委会组织的安全生产大检查（区政府办公室通知）"
WITNESSES = "区纪委监委派驻第三纪检监察组 刘芳，企业代表 陈建国"
