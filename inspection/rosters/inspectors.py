"""Sections and the inspector roster (执法检查人员名录库, R8), kept by 政策法规科.

Inspectors are staff of the bureau and its directly affiliated units holding a law-enforcement
certificate. An expired certificate is a warning, not an error: the person stays on the roster
(they may renew) but the draw excludes them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from inspection import clock
from inspection.errors import Problem
from inspection.rosters.importing import (
    ImportSummary,
    RowErrors,
    apply,
    check_length,
    fetch_by,
    key_tracker,
    present,
    split_list,
    text,
)
from inspection.rosters.tabular import Column, parse_date, read_sheet, write_xlsx
from models.enums import SectionKind, StaffStatus
from models.org import Section, Staff

SECTION_COLUMNS = [
    Column("code", "科室编码", ("编码", "单位编码", "section_code"), True),
    Column("name", "科室名称", ("科室", "名称", "单位名称", "section"), True),
    Column("kind", "科室类型", ("类型", "type")),
]
SECTION_KIND_LABELS = {SectionKind.INITIATING: "发起科室", SectionKind.BUSINESS: "业务科室",
                       SectionKind.POLICY: "政策法规科", SectionKind.AFFILIATED: "直属单位"}
_SECTION_KINDS = {**{v: k for k, v in SECTION_KIND_LABELS.items()},
                  **{k.value: k for k in SectionKind}, "": SectionKind.BUSINESS}

INSPECTOR_COLUMNS = [
    Column("name", "姓名", ("人员姓名", "执法人员姓名"), True),
    Column("wecom_userid", "企业微信账号", ("企业微信id", "企业微信userid", "userid", "账号"), True),
    Column("cert_no", "执法证号", ("行政执法证号", "执法证件号", "执法证编号", "certificate_no")),
    Column("cert_valid_until", "执法证有效期至", ("有效期至", "执法证有效期", "证件有效期至",
                                                 "cert_expires")),
    Column("section", "所属科室", ("科室", "所属单位", "所属科室单位", "section_name"), True),
    Column("roles", "角色", ("人员角色", "role")),
    Column("mobile", "手机号码", ("手机", "手机号", "phone")),
    Column("status", "状态", ("人员状态",)),
]
# Role flags on Staff and the words users write for them.
ROLE_LABELS = {"is_inspector": "执法检查人员", "is_leader": "组长", "is_initiator": "发起科室",
               "is_admin": "政策法规科"}
_ROLES = {**{v: k for k, v in ROLE_LABELS.items()},
          "检查人员": "is_inspector", "执法人员": "is_inspector", "inspector": "is_inspector",
          "执法检查组组长": "is_leader", "分管领导": "is_leader", "leader": "is_leader",
          "发起人": "is_initiator", "initiator": "is_initiator",
          "管理员": "is_admin", "名录库管理员": "is_admin", "admin": "is_admin"}
STATUS_LABELS = {StaffStatus.ACTIVE: "在岗", StaffStatus.SUSPENDED: "暂停执法",
                 StaffStatus.LEFT: "离岗"}
_STATUSES = {**{v: k for k, v in STATUS_LABELS.items()}, **{k.value: k for k in StaffStatus},
             "": StaffStatus.ACTIVE, "在职": StaffStatus.ACTIVE, "正常": StaffStatus.ACTIVE,
             "停用": StaffStatus.SUSPENDED, "离职": StaffStatus.LEFT, "调离": StaffStatus.LEFT,
             "退休": StaffStatus.LEFT}
_USERID = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")  # WeCom's userid alphabet
EXPIRY_WARNING_DAYS = 30
BAD_DATE = dt.date.min  # marks a malformed date already reported, so it is not reported twice


async def import_sections(*, data: bytes, filename: str, actor: str) -> ImportSummary:
    sheet = read_sheet(data, filename, SECTION_COLUMNS)
    errors = RowErrors(SECTION_COLUMNS)
    seen_code, seen_name = key_tracker(), key_tracker()
    parsed: list[dict[str, Any]] = []
    for row, values in sheet.rows:
        code, name = text(values, "code"), text(values, "name")
        for key, val, limit in (("code", code, 32), ("name", name, 64)):
            if not val:
                errors.add(row, key, "不能为空", "required")
            check_length(errors, row, key, val, limit)
        seen_code[code].append(row)
        seen_name[name].append(row)
        clean: dict[str, Any] = {"code": code, "name": name}
        if "kind" in sheet.columns:
            kind = _SECTION_KINDS.get(text(values, "kind"))
            if kind is None:
                errors.add(row, "kind", f"类型「{text(values, 'kind')}」无效，应为"
                           + "、".join(SECTION_KIND_LABELS.values()), "bad_kind")
            clean["kind"] = kind
        parsed.append(clean)
    errors.duplicates("code", seen_code, "科室编码")
    errors.duplicates("name", seen_name, "科室名称")
    errors.raise_if_any()
    summary = ImportSummary(kind="sections", warnings=list(sheet.warnings))
    existing = await fetch_by(Section, "code", [p["code"] for p in parsed])
    for (row, _), clean in zip(sheet.rows, parsed, strict=True):
        old = existing.get(clean["code"])
        values = clean if old is None else {k: v for k, v in clean.items() if k != "code"}
        await apply(model=Section, existing=old, values=values, actor=actor, action="section",
                    key=clean["code"], summary=summary, row=row)
    return summary


def section_lookup(sections: list[Section]) -> dict[str, Section]:
    out: dict[str, Section] = {}
    for s in sections:
        out[s.code.lower()] = s
        out[s.name] = s
    return out


def validate_row(values: dict[str, Any], row: int, sheet_cols: list[str], errors: RowErrors,
              sections: dict[str, Section], today: dt.date,
              warnings: list[Problem]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": text(values, "name"), "wecom_userid": text(values, "wecom_userid")}
    if not out["name"]:
        errors.add(row, "name", "不能为空", "required")
    check_length(errors, row, "name", out["name"], 32)
    if not _USERID.match(out["wecom_userid"]):
        errors.add(row, "wecom_userid", "应为企业微信成员账号（字母、数字、_-.@，不超过64位）"
                   if out["wecom_userid"] else "不能为空", "bad_userid")
    label = text(values, "section")
    section = sections.get(label) or sections.get(label.lower())
    if section is None:
        errors.add(row, "section", f"科室「{label}」不存在，请先导入科室或核对名称", "unknown_section")
    else:
        out["section_id"] = section.id
    if "cert_no" in sheet_cols:
        out["cert_no"] = text(values, "cert_no") or None
        check_length(errors, row, "cert_no", out["cert_no"] or "", 32)
    if "cert_valid_until" in sheet_cols:
        try:
            out["cert_valid_until"] = until = parse_date(values.get("cert_valid_until"))
        except ValueError:
            out["cert_valid_until"] = BAD_DATE
            errors.add(row, "cert_valid_until", f"日期格式有误：「{text(values, 'cert_valid_until')}」，"
                       "应如 2027-06-30", "bad_date")
        else:
            header = errors.headers["cert_valid_until"]
            if until is not None and until < today:
                warnings.append(Problem(f"执法证已于 {until.isoformat()} 过期，该人员不会被抽取",
                                        field=header, row=row, code="cert_expired"))
            elif until is not None and (until - today).days <= EXPIRY_WARNING_DAYS:
                warnings.append(Problem(f"执法证将于 {until.isoformat()} 到期", field=header,
                                        row=row, code="cert_expiring"))
    if "roles" in sheet_cols:
        flags = dict.fromkeys(ROLE_LABELS, False)
        for word in split_list(text(values, "roles")):
            flag = _ROLES.get(word.lower())
            if flag is None:
                errors.add(row, "roles", f"角色「{word}」无效，应为" + "、".join(ROLE_LABELS.values()),
                           "bad_role")
            else:
                flags[flag] = True
        out.update(flags)
    if "mobile" in sheet_cols:
        out["mobile"] = text(values, "mobile")
        check_length(errors, row, "mobile", out["mobile"], 20)
    if "status" in sheet_cols:
        status = _STATUSES.get(text(values, "status").lower())
        if status is None:
            errors.add(row, "status", f"状态「{text(values, 'status')}」无效，应为"
                       + "、".join(STATUS_LABELS.values()), "bad_status")
        out["status"] = status
    return out


async def import_inspectors(*, data: bytes, filename: str, actor: str,
                            today: dt.date | None = None, grants: bool = True) -> ImportSummary:
    """Validate every row, then create or update staff by WeCom userid (R8). `grants=False` (an
    upload over the staff API): a row may not change an existing person's roles or section —
    that needs a second admin (`role_changes`, issue 16)."""
    sheet = read_sheet(data, filename, INSPECTOR_COLUMNS)
    errors = RowErrors(INSPECTOR_COLUMNS)
    day = today or clock.today()
    sections = section_lookup(await Section.all())
    warnings = list(sheet.warnings)
    cols = present(sheet, "cert_no", "cert_valid_until", "roles", "mobile", "status")
    seen_user, seen_cert = key_tracker(), key_tracker()
    parsed: list[tuple[int, dict[str, Any]]] = []
    for row, values in sheet.rows:
        clean = validate_row(values, row, cols, errors, sections, day, warnings)
        seen_user[clean["wecom_userid"]].append(row)
        if clean.get("cert_no"):
            seen_cert[clean["cert_no"]].append(row)
        parsed.append((row, clean))
    errors.duplicates("wecom_userid", seen_user, "企业微信账号")
    errors.duplicates("cert_no", seen_cert, "执法证号")
    existing = await fetch_by(Staff, "wecom_userid", [c["wecom_userid"] for _, c in parsed])
    holders = await fetch_by(Staff, "cert_no", list(seen_cert))
    for row, clean in parsed:
        old = existing.get(clean["wecom_userid"])
        if old is None and "is_inspector" not in clean:
            # Without a roles column, a certificate holder is an inspector (R8).
            clean["is_inspector"] = bool(clean.get("cert_no"))
        holder = holders.get(clean.get("cert_no") or "")
        if holder is not None and holder.wecom_userid != clean["wecom_userid"]:
            errors.add(row, "cert_no", f"执法证号「{clean['cert_no']}」已登记在{holder.name}"
                       f"（{holder.wecom_userid}）名下", "cert_taken")
        inspector = clean.get("is_inspector", old.is_inspector if old else False)
        cert = clean.get("cert_no", old.cert_no if old else None)
        until = clean.get("cert_valid_until", old.cert_valid_until if old else None)
        if inspector and (not cert or until is None) and until is not BAD_DATE:
            errors.add(row, "cert_no", "执法检查人员须填写执法证号和执法证有效期至",
                       "cert_required")
        if not grants and old is not None:
            for field in _granted_changes(old, clean):
                errors.add(row, field, "与名录不同：角色和科室的调整须提出申请，由政策法规科另一名"
                           "工作人员审批", "second_admin_required")
    errors.raise_if_any()

    summary = ImportSummary(kind="inspectors", warnings=warnings)
    for row, clean in parsed:
        old = existing.get(clean["wecom_userid"])
        values = clean if old is None else {k: v for k, v in clean.items() if k != "wecom_userid"}
        await apply(model=Staff, existing=old, values=values, actor=actor, action="staff",
                    key=clean["wecom_userid"], summary=summary, row=row)
    return summary


def _granted_changes(old: Staff, clean: dict[str, Any]) -> list[str]:
    """Which of roles and section a row would change for an existing person."""
    out = []
    if any(flag in clean and clean[flag] != getattr(old, flag) for flag in ROLE_LABELS):
        out.append("roles")
    if "section_id" in clean and clean["section_id"] != old.section_id:
        out.append("section")
    return out


def roles_text(s: Staff) -> str:
    return "、".join(label for flag, label in ROLE_LABELS.items() if getattr(s, flag))


async def export_inspectors() -> bytes:
    staff = await Staff.all().order_by("wecom_userid").prefetch_related("section")
    rows = ([s.name, s.wecom_userid, s.cert_no or "", s.cert_valid_until, s.section.name,
             roles_text(s), s.mobile, STATUS_LABELS[StaffStatus(s.status)]] for s in staff)
    return write_xlsx("执法检查人员名录库", [c.header for c in INSPECTOR_COLUMNS], rows)


async def export_sections() -> bytes:
    sections = await Section.all().order_by("code")
    rows = ([s.code, s.name, SECTION_KIND_LABELS[SectionKind(s.kind)]] for s in sections)
    return write_xlsx("科室", [c.header for c in SECTION_COLUMNS], rows)
