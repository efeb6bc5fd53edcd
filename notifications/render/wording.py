"""What each notice says, in the standard form of 劳动保障监察文书: the addressee, the facts found
(经查), the legal basis (根据), what the party must do and by when, what follows if it does not,
the party's rights (陈述、申辩、听证; 行政复议 within 60 days, 行政诉讼 within 6 months), the
inspectors and their certificate numbers, the bureau's contact and the date.

Everything comes from the notice row: the text staff wrote and the particulars copied into its
content when it was issued (`inspection.notices.particulars`). Forms checked against published
examples (docs/notices.md, "Sources").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from inspection.calendar import PROVISIONAL_NOTE
from inspection.notices import issuing
from inspection.typeset import cn_date, cn_number
from models.enums import NoticeKind
from models.notices import Notice

# 《劳动保障监察条例》: 第十条 duties, 第十五条 powers of inspection, 第十六条 two inspectors,
# 第十八条第一款第（二）项 ordering correction, 第三十条 refusal and obstruction.
ORDER_BASIS = "《劳动保障监察条例》第十八条第一款第（二）项"
INSPECT_BASIS = "《劳动保障监察条例》第十条、第十五条"
INQUIRY_BASIS = "《劳动保障监察条例》第十五条第一款第（二）项、第（三）项"
REFUSAL = ("逾期不改正的，本局将依照《劳动保障监察条例》第三十条第一款第（三）项的规定，"
           "处二千元以上二万元以下的罚款，并依法作出处理。")
OBSTRUCTION = ("你单位应当如实报告情况、提供材料，不得拒绝、阻挠。无理抗拒、阻挠劳动保障监察，"
               "或者不按要求报送书面材料、隐瞒事实真相、出具伪证、隐匿或者毁灭证据的，本局将依照"
               "《劳动保障监察条例》第三十条第一款的规定，处二千元以上二万元以下的罚款。")
DEFAULT_MATERIALS = ["营业执照副本复印件", "职工名册及劳动合同", "近十二个月的工资支付记录和考勤记录",
                     "社会保险缴费凭证"]
FOOTNOTE = "本文书一式两份，一份送达当事人，一份由本局存档。"


@dataclass(frozen=True)
class Block:
    text: str
    indent: bool = True  # first line indented by two characters, as in every official paper


@dataclass(frozen=True)
class NoticeView:
    """Everything printed on a notice, as display strings."""

    authority: str  # 发文机关
    title: str
    number: str
    lead: list[Block] = field(default_factory=list)  # the addressee, before the text
    body: list[Block] = field(default_factory=list)
    inspectors: str = ""
    contact: str = ""
    issued_on: str = ""
    url: str = ""
    footnote: str = FOOTNOTE
    code: str = ""  # the verification code, on the staff's printout only (grouped 1234 5678)


def rmb_upper(amount: str) -> str:
    """An amount in yuan in the capital figures of financial papers: 12000.50 → 壹万贰仟元伍角整."""
    try:
        value = Decimal(amount).quantize(Decimal("0.01"))
    except InvalidOperation:
        return ""
    digits, units = "零壹贰叁肆伍陆柒捌玖", ["", "拾", "佰", "仟"]
    yuan, cents = divmod(int(value * 100), 100)
    groups, text = [], ""
    while yuan:
        yuan, group = divmod(yuan, 10000)
        groups.append(group)
    for i, group in reversed(list(enumerate(groups))):
        part, zero = "", False
        for pos in range(3, -1, -1):
            d = group // 10 ** pos % 10
            if d:
                part += ("零" if zero and part else "") + digits[d] + units[pos]
                zero = False
            else:
                zero = True
        if part:
            lead_zero = text and group < 1000
            text += ("零" if lead_zero else "") + part + ["", "万", "亿"][i]
    text = (text or "零") + "元"
    jiao, fen = divmod(cents, 10)
    if not cents:
        return text + "整"
    return text + (digits[jiao] + "角" if jiao else "零") + (digits[fen] + "分" if fen else "整")


def sentence(text: str) -> str:
    """Staff's text as a sentence: it ends with a full stop unless it ends with one already."""
    text = text.strip()
    return text if not text or text[-1] in "。！？；：" else text + "。"


def _joined(parts: list[str]) -> str:
    seen: list[str] = []
    for p in parts:
        p = p.strip().rstrip("。；;，,")
        if p and p not in seen:
            seen.append(p)
    return "、".join(seen)


def _violations(c: dict[str, Any]) -> list[Block]:
    """经查 facts: one numbered paragraph per non-compliant finding, with the provision broken."""
    found = [f for f in c.get("findings", []) if f.get("result") == "不符合"]
    out = []
    for i, f in enumerate(found, 1):
        what = f.get("description", "").strip().rstrip("。") or "不符合检查要求"
        text = f"{cn_number(i)}、{f['item']}：{what}。"
        if f.get("basis", "").strip():
            text += f"上述行为违反了{f['basis'].strip().rstrip('。')}的规定。"
        out.append(Block(text))
    return out


def _visit(c: dict[str, Any], issued_on: dt.date) -> str:
    ins = c.get("inspection", {})
    when = cn_date(ins.get("checked_on") or "") or cn_date(issued_on)
    code = f"（检查编号：{ins['code']}）" if ins.get("code") else ""
    return f"本局执法人员于{when}依法对你单位遵守劳动保障法律、法规和规章的情况进行了检查{code}。"


def _rights(c: dict[str, Any], what: str) -> Block:
    issuer = c.get("issuer", {})
    body, court = issuer.get("review_body", ""), issuer.get("litigation_court", "")
    return Block(f"你单位如不服本{what}，可以在收到本{what}之日起六十日内向{body}申请行政复议，"
                 f"或者在收到本{what}之日起六个月内向{court}提起行政诉讼。行政复议和行政诉讼期间，"
                 f"本{what}不停止执行。")


def _extra(n: Notice, heading: str = "") -> list[Block]:
    """The text staff wrote: the body, then numbered items."""
    c = n.content or {}
    out = [Block(heading + sentence(c["body"]))] if c.get("body") else []
    return out + _items(c)


def _items(c: dict[str, Any]) -> list[Block]:
    return [Block(f"{i}. {sentence(t)}") for i, t in enumerate(c.get("items", []), 1)]


def _basis(n: Notice, base: str, with_items: bool = False) -> str:
    c = n.content or {}
    parts = [base, c.get("basis", "")]
    if with_items:
        parts += [f.get("item_basis", "") for f in c.get("findings", [])]
    return _joined(parts)


def _rectification(n: Notice) -> list[Block]:
    c = n.content or {}
    out = [Block(_visit(c, n.issued_on) + "经查，你单位存在下列违法行为：")]
    out += _violations(c)
    # A deadline counted without the year's holiday schedule says so on the paper itself.
    when = cn_date(n.deadline) + (PROVISIONAL_NOTE if n.deadline_provisional else "")
    out.append(Block(f"根据{_basis(n, ORDER_BASIS)}的规定，本局责令你单位于{when}"
                     "前改正上述违法行为，具体要求如下："))
    out += [Block(sentence(c["body"])), *_items(c)]
    out.append(Block(f"请你单位于{cn_date(n.deadline)}前将改正情况书面报送本局，并附相关证明材料。"
                     + REFUSAL))
    out.append(_rights(c, "指令书"))
    return out


def _materials(n: Notice) -> list[Block]:
    items = (n.content or {}).get("items") or DEFAULT_MATERIALS
    return [Block(f"{i}. {t}") for i, t in enumerate(items, 1)]


def _inspection(n: Notice) -> list[Block]:
    c = n.content or {}
    start, end = (c.get("window") or ["", ""])[:2]
    out = [Block(f"根据{_basis(n, INSPECT_BASIS)}的规定和本局“双随机、一公开”抽查工作安排，本局定于"
                 f"{cn_date(start)}至{cn_date(end)}期间对你单位遵守劳动保障法律、法规和规章的情况"
                 "进行检查。检查事项如下：")]
    out += [Block(f"{cn_number(i)}、{k['item']}（检查依据：{k['basis'].strip().rstrip('。')}）")
            for i, k in enumerate(c.get("checks", []), 1)]
    by = f"于{cn_date(n.deadline)}前" if n.deadline else "在检查时"
    out.append(Block(f"请你单位{by}备齐下列材料，由法定代表人（主要负责人）或者其委托的人员配合检查："))
    out += _materials(n)
    if c.get("body"):
        out.append(Block(sentence(c["body"])))
    out.append(Block("执法人员将出示劳动保障监察证件。" + OBSTRUCTION))
    return out


def _inquiry(n: Notice) -> list[Block]:
    c = n.content or {}
    address = c.get("issuer", {}).get("address", "")
    out = [Block(f"因{c.get('body', '').rstrip('。')}，根据{_basis(n, INQUIRY_BASIS)}的规定，请你单位"
                 f"法定代表人（主要负责人）或者委托代理人于{cn_date(n.deadline)}到本局（{address}）"
                 "接受询问，并携带下列材料：")]
    out += _materials(n)
    out.append(Block("委托代理人接受询问的，须携带授权委托书和本人身份证件。" + OBSTRUCTION))
    return out


def _review(n: Notice) -> list[Block]:
    c = n.content or {}
    order = c.get("order", {})
    number = f"（{order['number']}）" if order.get("number") else ""
    out = [Block(f"本局于{cn_date(order.get('issued_on', ''))}向你单位下达《劳动保障监察限期改正"
                 f"指令书》{number}，责令你单位于{cn_date(order.get('deadline', ''))}前改正下列违法行为：")]
    out += _violations(c)
    visits = c.get("follow_ups", [])
    if visits:
        said = "；".join(f"于{cn_date(v['visited_on'])}进行复查，结果为{v['result']}"
                        + (f"（{v['note'].rstrip('。')}）" if v.get("note") else "") for v in visits)
        out.append(Block(f"本局执法人员{said}。"))
    out += _extra(n, "复查意见：")
    done = bool(visits) and visits[-1]["result"] == "已整改"
    if done:
        out.append(Block("你单位已按要求改正上述违法行为。请你单位继续遵守劳动保障法律、法规和规章。"))
    else:
        by = cn_date(n.deadline) if n.deadline else cn_date(order.get("deadline", ""))
        out.append(Block(f"你单位尚未全部改正上述违法行为，请于{by}前改正并书面报送改正情况。"
                         + REFUSAL))
    out.append(_rights(c, "意见书"))
    return out


def _result(n: Notice) -> list[Block]:
    c = n.content or {}
    found = c.get("findings", [])
    out = [Block(_visit(c, n.issued_on) + "现将检查结果告知如下：")]
    for i, f in enumerate(found, 1):
        line = f"{cn_number(i)}、{f['item']}：{f['result']}"
        if f["result"] == "不符合" and f.get("description"):
            line += f"。{f['description'].rstrip('。')}"
            if f.get("basis"):
                line += f"，违反了{f['basis'].rstrip('。')}的规定"
        out.append(Block(line + "。"))
    out += _extra(n)
    violations = any(f["result"] == "不符合" for f in found)
    if violations:
        out.append(Block("对上述违法行为，本局将依法责令你单位限期改正；依法应当给予行政处罚的，依法予以处罚。"))
    else:
        out.append(Block("本次检查未发现你单位存在劳动保障违法行为，请继续遵守劳动保障法律、法规和规章。"))
    due = f"于{cn_date(n.deadline)}前" if n.deadline else "自收到本告知书之日起十五日内"
    out.append(Block("检查结果将按规定向社会公示，并记入你单位劳动保障守法诚信档案。你单位对检查结果"
                     f"有异议的，可以{due}向本局书面提出。"))
    if violations:
        out.append(_rights(c, "告知书"))
    return out


def _penalty_notice(n: Notice) -> list[Block]:
    c = n.content or {}
    out = [Block(_visit(c, n.issued_on) + "经查，你单位存在下列违法行为：")]
    out += _violations(c)
    basis = _basis(n, "")
    out.append(Block(f"根据{basis or '有关法律、法规和规章'}的规定，本局拟对你单位作出如下行政处罚："
                     + c.get("body", "").rstrip("。") + "。"))
    out += _items(c)
    out.append(Block("根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你单位有权进行陈述和"
                     "申辩，可以在收到本告知书之日起三日内向本局提出陈述、申辩意见；逾期未提出的，视为放弃"
                     "此权利。"))
    out.append(Block("拟作出的行政处罚属于《中华人民共和国行政处罚法》第六十三条规定情形的，你单位有权"
                     "要求举行听证；要求听证的，应当在收到本告知书之日起五日内向本局提出。"))
    return out


def _penalty(p: dict[str, Any]) -> str:
    """The penalty decided, with the fine in figures and in capitals."""
    result = p.get("result", "").strip().rstrip("。")
    amount = p.get("amount_yuan", "")
    if not amount:
        return result
    fine = f"人民币{amount}元（大写：{rmb_upper(amount)}）"
    if result in ("", "罚款", "处以罚款", "处罚款"):
        return f"罚款{fine}"
    return f"{result}（罚款金额：{fine}）"


def _penalty_decision(n: Notice) -> list[Block]:
    c = n.content or {}
    p = c.get("penalty", {})
    out = [Block(_visit(c, n.issued_on) + "经查，你单位存在下列违法行为：")]
    out += _violations(c)
    if p.get("cause"):
        out.append(Block(f"本案案由：{sentence(p['cause'])}"))
    told = c.get("told")
    if told:
        out.append(Block(f"本局已于{cn_date(told['issued_on'])}以《行政处罚告知书》（{told['number']}）"
                         "告知你单位拟作出行政处罚的事实、理由、依据及依法享有的陈述、申辩和要求听证的"
                         "权利。"))
    out.append(Block(f"根据{_joined([p.get('basis', ''), c.get('basis', '')])}的规定，本局决定对你单位"
                     f"作出如下行政处罚：{_penalty(p)}。"))
    if p.get("amount_yuan"):
        out.append(Block("你单位应当自收到本决定书之日起十五日内，到指定的银行或者通过电子支付系统缴纳"
                         "罚款。到期不缴纳罚款的，本局将依照《中华人民共和国行政处罚法》第七十二条的规定，"
                         "每日按罚款数额的百分之三加处罚款，并依法申请人民法院强制执行。"))
    out.append(_rights(c, "决定书"))
    return out


def _addressee(n: Notice) -> list[Block]:
    party = (n.content or {}).get("party", {})
    if n.kind == NoticeKind.PENALTY_DECISION:
        lines = [f"当事人：{party.get('name', '')}", f"统一社会信用代码：{party.get('uscc', '')}"]
        if party.get("address"):
            lines.append(f"地址：{party['address']}")
        if party.get("legal_rep"):
            lines.append(f"法定代表人（负责人）：{party['legal_rep']}")
        return [Block(line, indent=False) for line in lines]
    return [Block(f"{party.get('name', '')}：", indent=False),
            Block(f"（统一社会信用代码：{party.get('uscc', '')}）", indent=False)]


BODIES: dict[NoticeKind, Callable[[Notice], list[Block]]] = {
    NoticeKind.INSPECTION: _inspection, NoticeKind.INQUIRY: _inquiry,
    NoticeKind.RECTIFICATION: _rectification, NoticeKind.REVIEW: _review,
    NoticeKind.RESULT: _result, NoticeKind.PENALTY_NOTICE: _penalty_notice,
    NoticeKind.PENALTY_DECISION: _penalty_decision,
}


def inspectors_line(c: dict[str, Any]) -> str:
    team = c.get("inspectors", [])
    return "执法人员：" + "　".join(f"{m['name']}（执法证号：{m['cert_no']}）" for m in team)


def contact_line(c: dict[str, Any]) -> str:
    issuer = c.get("issuer", {})
    return f"联系地址：{issuer.get('address', '')}　联系电话：{issuer.get('phone', '')}"


def compose(n: Notice, url: str) -> NoticeView:
    """The notice as printed (and as its page shows it)."""
    c = n.content or {}
    return NoticeView(
        authority=n.issuer, title=issuing.TITLES[n.kind], number=n.number, lead=_addressee(n),
        body=BODIES[n.kind](n), inspectors=inspectors_line(c), contact=contact_line(c),
        issued_on=cn_date(n.issued_on), url=url)
