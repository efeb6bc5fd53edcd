"""The employer roster (监管对象名录库, R9): import from the bureau's spreadsheets, export.

Import is all-or-nothing: every row is validated, every problem is reported with its row, and
nothing is written unless all rows are sound. Re-importing updates by 统一社会信用代码 and audits
only the fields that changed (R21); a changed grade also writes the grade history (R12).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from inspection import clock
from inspection.rosters import categories, uscc
from inspection.rosters.importing import (
    ImportSummary,
    RowErrors,
    apply,
    check_length,
    fetch_by,
    key_tracker,
    present,
    text,
)
from inspection.rosters.tabular import Column, read_sheet, write_xlsx
from models.employers import Employer, GradeChange
from models.enums import EmployerStatus, Grade

EMPLOYER_COLUMNS = [
    Column("uscc", "统一社会信用代码", ("社会信用代码", "信用代码", "credit_code"), True),
    Column("name", "单位名称", ("用人单位名称", "用人单位", "企业名称", "employer_name"), True),
    Column("legal_rep", "法定代表人", ("法定代表人负责人", "负责人", "法人代表", "legal_representative")),
    Column("township", "乡镇街道", ("所属乡镇街道", "所属镇街", "镇街", "town")),
    Column("industry", "所属行业", ("行业", "行业类别")),
    Column("headcount", "职工人数", ("从业人数", "用工人数", "员工人数", "employees")),
    Column("grade", "诚信等级", ("守法诚信等级", "劳动保障守法诚信等级", "等级", "integrity_grade")),
    Column("address", "单位地址", ("地址", "住所", "经营地址")),
    Column("contact_phone", "联系电话", ("电话", "phone")),
    Column("status", "经营状态", ("状态", "登记状态")),
    Column("categories", "单位类别", ("单位类型", "企业类别", "类别")),  # R2
]

GRADE_LABELS = {Grade.A: "A", Grade.B: "B", Grade.C: "C", Grade.NONE: "未评级"}
_GRADES = {"a": Grade.A, "a级": Grade.A, "b": Grade.B, "b级": Grade.B, "c": Grade.C,
           "c级": Grade.C, "": Grade.NONE, "未评级": Grade.NONE, "未评": Grade.NONE,
           "none": Grade.NONE, "无": Grade.NONE, "-": Grade.NONE}
STATUS_LABELS = {EmployerStatus.ACTIVE: "正常", EmployerStatus.CLOSED: "注销"}
_STATUSES = {"正常": EmployerStatus.ACTIVE, "存续": EmployerStatus.ACTIVE,
             "在业": EmployerStatus.ACTIVE, "active": EmployerStatus.ACTIVE,
             "": EmployerStatus.ACTIVE, "注销": EmployerStatus.CLOSED,
             "已注销": EmployerStatus.CLOSED, "吊销": EmployerStatus.CLOSED,
             "closed": EmployerStatus.CLOSED}
_LIMITS = {"name": 128, "legal_rep": 64, "township": 32, "industry": 64, "address": 200,
           "contact_phone": 32}


def parse_grade(value: str) -> Grade | None:
    return _GRADES.get(value.strip().lower().replace("等级", ""))


def _headcount(value: Any) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and value >= 0:
            return int(value)
        raise ValueError(value)
    raw = text({"v": value}, "v").removesuffix("人").replace(",", "")
    if raw == "":
        return 0
    if not raw.isdigit():
        raise ValueError(raw)
    return int(raw)


def validate_row(values: dict[str, Any], row: int, columns: list[str],
              errors: RowErrors) -> dict[str, Any]:
    out: dict[str, Any] = {}
    code = uscc.normalise(text(values, "uscc"))
    if isinstance(values.get("uscc"), int | float):
        # Excel keeps 15 significant digits: an all-digit code typed into a number cell is lost.
        errors.add(row, "uscc", "被 Excel 存成了数字，末几位已丢失；请将该列设为文本格式后重新填写",
                   "number_cell")
    elif not code:
        errors.add(row, "uscc", "不能为空", "required")
    else:
        for reason in uscc.problems(code):
            errors.add(row, "uscc", reason, "bad_uscc")
    out["uscc"] = code
    for key in ("name", "legal_rep", "township", "industry", "address", "contact_phone"):
        if key in columns:
            out[key] = text(values, key)
            check_length(errors, row, key, out[key], _LIMITS[key])
    if not out["name"]:
        errors.add(row, "name", "不能为空", "required")
    if "headcount" in columns:
        try:
            out["headcount"] = _headcount(values.get("headcount"))
        except ValueError:
            errors.add(row, "headcount", f"应为不小于 0 的整数，实为「{text(values, 'headcount')}」",
                       "bad_number")
    if "grade" in columns:
        grade = parse_grade(text(values, "grade"))
        if grade is None:
            errors.add(row, "grade", f"等级「{text(values, 'grade')}」无效，应为 A、B、C 或 未评级",
                       "bad_grade")
        out["grade"] = grade
    if "categories" in columns:
        known, unknown = categories.parse(text(values, "categories"))
        if unknown:
            errors.add(row, "categories", categories.problem(unknown), "bad_category")
        out["categories"] = categories.join(known)
    if "status" in columns:
        status = _STATUSES.get(text(values, "status").lower())
        if status is None:
            errors.add(row, "status", f"状态「{text(values, 'status')}」无效，应为 正常 或 注销",
                       "bad_status")
        out["status"] = status
    return out


async def import_employers(*, data: bytes, filename: str, actor: str,
                          today: dt.date | None = None) -> ImportSummary:
    """Validate every row, then create or update by USCC. Raises ValidationFailed, nothing written."""
    sheet = read_sheet(data, filename, EMPLOYER_COLUMNS)
    errors = RowErrors(EMPLOYER_COLUMNS)
    cols = ["name", *present(sheet, "legal_rep", "township", "industry", "address",
                             "contact_phone", "headcount", "grade", "status", "categories")]
    seen = key_tracker()
    parsed: list[dict[str, Any]] = []
    for row, values in sheet.rows:
        clean = validate_row(values, row, cols, errors)
        if clean["uscc"]:
            seen[clean["uscc"]].append(row)
        parsed.append(clean)
    errors.duplicates("uscc", seen, "统一社会信用代码")
    errors.raise_if_any()

    summary = ImportSummary(kind="employers", warnings=list(sheet.warnings))
    effective = today or clock.today()
    existing = await fetch_by(Employer, "uscc", [p["uscc"] for p in parsed])
    for (row, _), clean in zip(sheet.rows, parsed, strict=True):
        key = clean.pop("uscc")
        old = existing.get(key)
        values = {"uscc": key, **clean} if old is None else clean
        employer, before = await apply(model=Employer, existing=old, values=values, actor=actor,
                                       action="employer", key=key, summary=summary, row=row)
        if old is None and employer.grade != Grade.NONE:
            await GradeChange.create(employer=employer, grade=employer.grade, previous=None,
                                     effective_from=effective, source="import", reason="名录导入")
        elif "grade" in before:
            await GradeChange.create(employer=employer, grade=employer.grade,
                                     previous=Grade(before["grade"]), effective_from=effective,
                                     source="import", reason="名录导入更新")
    return summary


def employer_row(e: Employer) -> list[Any]:
    return [e.uscc, e.name, e.legal_rep, e.township, e.industry, e.headcount,
            GRADE_LABELS[Grade(e.grade)], e.address, e.contact_phone,
            STATUS_LABELS[EmployerStatus(e.status)], e.categories]


async def export_employers() -> bytes:
    employers = await Employer.all().order_by("uscc")
    return write_xlsx("监管对象名录库", [c.header for c in EMPLOYER_COLUMNS],
                      (employer_row(e) for e in employers))
