"""Routes of roster maintenance by 政策法规科 (R8, R9): import uploads with the CLI's row errors,
XLSX exports, employer and staff edits, conflicts (回避). Thin: one domain call each
(inspection/roster_admin.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from aiohttp import web
from pydantic import BaseModel, Field, StringConstraints

from inspection import clock
from inspection.rosters import admin as ra
from inspection.rosters import categories, importing, inspectors, preview, tabular
from miniprogram_api import sessions
from miniprogram_api.framework import Call, Route, Upload
from miniprogram_api.schemas import Id, Request, ShortText
from miniprogram_api.uploads import read_file_part
from models.employers import Employer
from models.enums import StaffStatus
from models.org import Conflict, Staff

ADMIN = "policy-section admin (政策法规科)"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Word = Annotated[str, StringConstraints(max_length=200)]


class ProblemOut(BaseModel):
    message: str
    field: str | None = None
    row: int | None = None
    code: str | None = None


class ImportOut(BaseModel):
    kind: str
    created: int
    updated: int
    unchanged: int
    published: int
    warnings: list[ProblemOut]
    changes: dict[str, list[str]] = Field(description="更新的记录 → 变化的字段")


class ColumnOut(BaseModel):
    key: str
    header: str = Field(description="表头（与导出文件一致）")


class ChangeOut(BaseModel):
    field: str
    label: str
    before: str
    after: str


class PreviewRow(BaseModel):
    row: int = Field(description="在表格中的行号（表头为第 1 行）")
    values: dict[str, str] = Field(description="列 key → 单元格内容")
    action: str | None = Field(description="create 新增、update 修改、unchanged 不变；有误时为空")
    key: str = Field(description="该行对应记录的编码（信用代码、企业微信账号、科室编码、事项编码）")
    changes: list[ChangeOut]
    problems: list[ProblemOut]


class ImportPreviewOut(BaseModel):
    kind: str
    ok: bool = Field(description="按此文件可以导入（无错误行）")
    message: str = Field(description="不能导入时的说明")
    columns: list[ColumnOut]
    rows: list[PreviewRow] = Field(description="表格各行（行数过多时优先列出有误和有变化的行）")
    rows_total: int
    problems: list[ProblemOut] = Field(description="全部问题；无行号的是文件或表头的问题")
    summary: ImportOut | None = Field(description="可以导入时：将新增、修改、不变的数量")


class ImportQuery(Request):
    publish: bool = Field(False, description="抽查事项：导入后立即公布（默认为草稿）")


class ListQuery(Request):
    q: Annotated[str, StringConstraints(max_length=64, strip_whitespace=True)] = Field(
        "", description="名称（包含）或统一社会信用代码/企业微信账号（精确）")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)


class EmployerRecord(BaseModel):
    id: int
    uscc: str
    name: str
    legal_rep: str
    township: str
    industry: str
    headcount: int
    grade: str
    address: str
    contact_phone: str
    status: str
    categories: list[str] = Field(description="单位类别（如 建筑施工企业、劳务派遣单位）")


class EmployerPage(BaseModel):
    items: list[EmployerRecord]
    total: int


class EmployerPatch(Request):
    # The import's words: grade A/B/C/未评级, status 正常/注销 (validated as a sheet row is).
    name: Word | None = None
    legal_rep: Word | None = None
    township: Word | None = None
    industry: Word | None = None
    headcount: int | None = Field(None, ge=0, le=10_000_000)
    grade: Word | None = None
    address: Word | None = None
    contact_phone: Word | None = None
    status: Word | None = None
    categories: list[Annotated[str, StringConstraints(max_length=32)]] | None = Field(
        None, max_length=10, description="单位类别，空列表为无")


class StaffDetail(BaseModel):
    id: int
    name: str
    wecom_userid: str
    section: str
    cert_no: str | None
    cert_valid_until: dt.date | None
    mobile: str
    status: str
    roles: list[str]


class StaffPage(BaseModel):
    items: list[StaffDetail]
    total: int


class StaffPatch(Request):
    # The import's words: section by code or name, roles 执法检查人员/组长/发起科室/政策法规科,
    # status 在岗/暂停执法/离岗.
    name: Word | None = None
    section: Word | None = None
    cert_no: Word | None = None
    cert_valid_until: dt.date | None = None
    roles: list[Word] | None = Field(None, max_length=4)
    mobile: Word | None = None
    status: Word | None = None


class StaffEdited(StaffDetail):
    warnings: list[ProblemOut]


class ConflictIn(Request):
    employer_id: Id
    reason: ShortText


class ConflictOut(BaseModel):
    id: int
    staff_id: int
    employer_id: int
    employer_name: str
    reason: str


class RegistryRow(ConflictOut):
    staff_name: str
    section: str
    employer_uscc: str
    declared_at: dt.datetime


class RegistryPage(BaseModel):
    items: list[RegistryRow]
    total: int


async def read_sheet_upload(request: web.Request) -> Upload:
    """A roster or item-list spreadsheet, cut off at the import size limit."""
    limit = tabular.MAX_BYTES
    return await read_file_part(request, limit=limit,
                                too_large=f"文件过大：不能超过 {limit // 1024 // 1024} MB")


def _summary(s: importing.ImportSummary) -> ImportOut:
    return ImportOut(kind=s.kind, created=s.created, updated=s.updated, unchanged=s.unchanged,
                     published=s.published, changes=s.changes,
                     warnings=[ProblemOut(**w.as_dict()) for w in s.warnings])


def _importer(kind: str) -> Any:
    async def handler(call: Call[None, ImportQuery | None]) -> ImportOut:
        assert call.upload is not None
        publish = bool(call.query.publish) if call.query is not None else False
        return _summary(await ra.import_roster(staff=call.me, kind=kind, data=call.upload.data,
                                               filename=call.upload.filename, publish=publish))
    return handler


async def _preview_row(kind: str, r: preview.SheetRow) -> PreviewRow:
    o = r.outcome
    changes = await preview.changes(kind, o) if o is not None and o.changes else []
    return PreviewRow(row=r.row, values=r.values, action=o.action if o else None,
                      key=o.key if o else "", changes=[ChangeOut(**vars(c)) for c in changes],
                      problems=[ProblemOut(**p.as_dict()) for p in r.problems])


def _previewer(kind: str) -> Any:
    async def handler(call: Call[None, ImportQuery | None]) -> ImportPreviewOut:
        assert call.upload is not None
        publish = bool(call.query.publish) if call.query is not None else False
        p = await preview.preview_roster(staff=call.me, kind=kind, data=call.upload.data,
                                         filename=call.upload.filename, publish=publish)
        return ImportPreviewOut(
            kind=kind, ok=p.ok, message=p.message, rows_total=p.rows_total,
            columns=[ColumnOut(key=c.key, header=c.header) for c in p.columns],
            rows=[await _preview_row(kind, r) for r in p.rows],
            problems=[ProblemOut(**x.as_dict()) for x in p.problems],
            summary=_summary(p.summary) if p.summary is not None else None)
    return handler


def _exporter(kind: str) -> Any:
    async def handler(call: Call[None, None]) -> web.Response:
        data = await ra.export_roster(staff=call.me, kind=kind)
        # The bureau's date, not the server's: between 00:00 and 08:00 Beijing time a UTC
        # machine is still on yesterday.
        name = f"{kind}-{clock.today().isoformat()}.xlsx"
        return web.Response(body=data, content_type=XLSX, headers={
            "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
    return handler


def _employer(e: Employer) -> EmployerRecord:
    return EmployerRecord(id=e.id, uscc=e.uscc, name=e.name, legal_rep=e.legal_rep,
                       township=e.township, industry=e.industry, headcount=e.headcount,
                       grade=str(e.grade), address=e.address, contact_phone=e.contact_phone,
                       status=str(e.status), categories=categories.split(e.categories))


def _staff(s: Staff) -> StaffDetail:
    roles = [flag.removeprefix("is_") for flag in inspectors.ROLE_LABELS if getattr(s, flag)]
    return StaffDetail(id=s.id, name=s.name, wecom_userid=s.wecom_userid, section=s.section.name,
                       cert_no=s.cert_no, cert_valid_until=s.cert_valid_until, mobile=s.mobile,
                       status=str(s.status), roles=roles)


async def list_employers(call: Call[None, ListQuery]) -> EmployerPage:
    q = call.query
    rows, total = await ra.list_employers(staff=call.me, q=q.q, page=q.page, page_size=q.page_size)
    return EmployerPage(items=[_employer(e) for e in rows], total=total)


async def get_employer(call: Call[None, None]) -> EmployerRecord:
    return _employer(await ra.get_employer(staff=call.me, employer_id=call.path["employer_id"]))


async def patch_employer(call: Call[EmployerPatch, None]) -> EmployerRecord:
    changes = call.body.model_dump(exclude_unset=True, exclude_none=True)
    if "categories" in changes:  # in the sheet's words: one cell, 、-separated
        changes["categories"] = categories.join(changes["categories"])
    return _employer(await ra.edit_employer(staff=call.me, employer_id=call.path["employer_id"],
                                            changes=changes))


async def list_staff(call: Call[None, ListQuery]) -> StaffPage:
    q = call.query
    rows, total = await ra.list_staff(staff=call.me, q=q.q, page=q.page, page_size=q.page_size)
    return StaffPage(items=[_staff(s) for s in rows], total=total)


async def get_staff(call: Call[None, None]) -> StaffDetail:
    return _staff(await ra.get_staff(staff=call.me, staff_id=call.path["staff_id"]))


async def patch_staff(call: Call[StaffPatch, None]) -> StaffEdited:
    changes = call.body.model_dump(exclude_unset=True, exclude_none=True)
    if "roles" in changes:
        changes["roles"] = "、".join(changes["roles"])
    person, warnings = await ra.edit_staff(staff=call.me, staff_id=call.path["staff_id"],
                                           changes=changes)
    if person.status != StaffStatus.ACTIVE:
        # Suspension or leaving ends every session at once, not at the next request.
        await sessions.revoke_all(call.kv, person.id)
    return StaffEdited(**_staff(person).model_dump(),
                       warnings=[ProblemOut(**w.as_dict()) for w in warnings])


def _conflict(c: Conflict) -> ConflictOut:
    return ConflictOut(id=c.id, staff_id=c.staff_id, employer_id=c.employer_id,
                       employer_name=c.employer.name, reason=c.reason)


async def declare_conflict(call: Call[ConflictIn, None]) -> ConflictOut:
    row = await ra.declare_conflict(staff=call.me, staff_id=call.path["staff_id"],
                                    employer_id=call.body.employer_id, reason=call.body.reason)
    await row.fetch_related("employer")
    return _conflict(row)


class ConflictList(BaseModel):
    items: list[ConflictOut]


async def list_conflicts(call: Call[None, None]) -> ConflictList:
    rows = await ra.list_conflicts(staff=call.me, staff_id=call.path["staff_id"])
    return ConflictList(items=[_conflict(c) for c in rows])


async def registry(call: Call[None, ListQuery]) -> RegistryPage:
    q = call.query
    rows, total = await ra.all_conflicts(staff=call.me, q=q.q, page=q.page, page_size=q.page_size)
    return RegistryPage(items=[RegistryRow(
        **_conflict(c).model_dump(), staff_name=c.staff.name, section=c.staff.section.name,
        employer_uscc=c.employer.uscc, declared_at=c.created_at) for c in rows], total=total)


async def delete_conflict(call: Call[None, None]) -> None:
    await ra.delete_conflict(staff=call.me, conflict_id=call.path["conflict_id"])


def routes() -> list[Route]:
    out = []
    for kind, what in (("sections", "科室"), ("employers", "用人单位名录"),
                       ("inspectors", "执法检查人员名录"), ("items", "抽查事项清单")):
        cap = kind.capitalize()
        out += [
            Route("POST", f"/imports/{kind}", f"import{cap}",
                  f"导入{what}（CSV 或 XLSX，全部无误才导入，逐行报错）", "rosters", ADMIN,
                  _importer(kind), ImportOut, status=201, upload=read_sheet_upload,
                  query=ImportQuery if kind == "items" else None, creates=True,
                  errors=(400, 403, 409)),
            Route("POST", f"/imports/{kind}/preview", f"preview{cap}Import",
                  f"预览导入{what}：逐行检查并列出将新增、修改的记录，不保存任何数据", "rosters",
                  ADMIN, _previewer(kind), ImportPreviewOut, upload=read_sheet_upload,
                  query=ImportQuery if kind == "items" else None, errors=(400, 403)),
            Route("GET", f"/exports/{kind}", f"export{cap}", f"导出{what}（XLSX）", "rosters",
                  ADMIN, _exporter(kind), binary=(XLSX,), errors=(403,)),
        ]
    eid, sid = "/employers/{employer_id}", "/staff/{staff_id}"
    out += [
        Route("GET", "/employers", "listEmployers", "用人单位名录（分页，可按名称或信用代码查）",
              "rosters", ADMIN, list_employers, EmployerPage, query=ListQuery, errors=(403,)),
        Route("GET", eid, "getEmployer", "用人单位详情", "rosters", ADMIN, get_employer,
              EmployerRecord, errors=(403,)),
        Route("PATCH", eid, "patchEmployer", "修改用人单位信息（按导入规则校验，留痕）", "rosters",
              ADMIN, patch_employer, EmployerRecord, body=EmployerPatch, errors=(403,)),
        Route("GET", "/staff", "listStaff", "人员名录（分页，可按姓名或企业微信账号查）", "rosters",
              ADMIN, list_staff, StaffPage, query=ListQuery, errors=(403,)),
        Route("GET", sid, "getStaff", "人员详情", "rosters", ADMIN, get_staff, StaffDetail,
              errors=(403,)),
        Route("PATCH", sid, "patchStaff", "修改人员信息（暂停执法或离岗即注销其登录）", "rosters",
              ADMIN, patch_staff, StaffEdited, body=StaffPatch, errors=(403,)),
        Route("GET", sid + "/conflicts", "listConflicts", "该人员登记的回避关系", "rosters",
              ADMIN, list_conflicts, ConflictList, errors=(403,)),
        Route("POST", sid + "/conflicts", "declareConflict", "登记回避关系（不得检查该单位）",
              "rosters", ADMIN, declare_conflict, ConflictOut, status=201, body=ConflictIn,
              creates=True, errors=(403, 409)),
        Route("GET", "/conflicts", "listAllConflicts",
              "回避关系登记簿（全部，新的在前；可按人员或单位名称、信用代码查）", "rosters", ADMIN,
              registry, RegistryPage, query=ListQuery, errors=(403,)),
        Route("DELETE", "/conflicts/{conflict_id}", "deleteConflict", "撤销回避关系", "rosters",
              ADMIN, delete_conflict, None, status=204, errors=(403,)),
    ]
    return out
