"""Demo part: sections, staff, ~500 Fuling employers, the blacklist and the item list.

Everything goes through the same domain imports the bureau uses (so it is validated and
audited, R21). Only rows whose key is not in the database yet are loaded: running the demo again,
even on another day, neither duplicates nor changes anything.

The item list is published at its own date (rosters_data.ITEMS_PUBLISHED, before it takes effect);
sections, staff, employers and the blacklist are loaded ROSTERS_AGO working days before today,
before anything the demo stages (suiji/demo/lifecycle.py). Certificates expire counted from today.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from inspection import audit, clock, sheets
from inspection.items import importing as item_import
from inspection.rosters import employers as rosters
from inspection.rosters import inspectors, uscc
from models.employers import BlacklistEntry, Employer
from models.enums import BlacklistStatus
from models.items import Item
from models.org import Section, Staff
from suiji.demo import rosters_data as data
from suiji.demo.days import Days, at
from suiji.settings import Settings

ACTOR = audit.CLI
EMPLOYERS = 500
ROSTERS_AGO = 120  # working days before today: when the bureau loaded its rosters


def _csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    return sheets.to_csv(headers, rows).encode()


def _org_code(body8: str) -> str:
    # GB 11714 organisation code: 8 characters and a check character (weights 3,7,9,10,5,8,4,2).
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, weights, strict=True))
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def _headcount(rng: random.Random) -> int:
    band = rng.choices([(3, 9), (10, 49), (50, 199), (200, 999), (1000, 3000)],
                       weights=[30, 40, 20, 8, 2])[0]
    return rng.randint(*band)


def employer_rows() -> list[list[Any]]:
    """The demo employers, the same every time (fixed seed)."""
    rng = random.Random(data.SEED)
    towns, town_w = zip(*data.TOWNSHIPS, strict=True)
    industries = data.INDUSTRIES
    letters = [c for c in uscc.CHARSET if c.isalpha()]
    names: set[str] = set()
    codes: set[str] = set()
    rows: list[list[Any]] = []
    while len(rows) < EMPLOYERS:
        industry, _w, patterns = rng.choices(industries, weights=[i[1] for i in industries])[0]
        pattern, authority = rng.choice(patterns)
        trade = "".join(rng.sample(data.TRADE_NAME_CHARS, 2))
        name = pattern.format(t=trade)
        if name in names:
            continue
        body = "MA" + rng.choice("56") + rng.choice(letters) + "".join(
            rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(4))
        code = uscc.make_uscc(authority + data.REGION + _org_code(body))
        if code in codes:
            continue
        names.add(name)
        codes.add(code)
        town = rng.choices(towns, weights=town_w)[0]
        grade = rng.choices(["A", "B", "C", "未评级"], weights=[60, 20, 5, 15])[0]
        legal_rep = rng.choice(data.SURNAMES) + "".join(rng.sample(data.GIVEN, rng.choice([1, 2])))
        address = f"重庆市涪陵区{town}{rng.choice(data.ROADS)}{rng.randint(1, 300)}号"
        phone = f"023-72{rng.randint(100000, 999999)}"
        status = "注销" if rng.random() < 0.01 else "正常"
        headcount = _headcount(rng) if authority != "92" else rng.randint(2, 12)
        rows.append([code, name, legal_rep, town, industry, headcount, grade, address, phone,
                     status, _categories(name)])
    return rows


def _categories(name: str) -> str:
    """单位类别 (R2) as the name tells it: builders, and the job and dispatch agencies."""
    if any(word in name for word in ("建筑工程", "建设工程", "建筑劳务")):
        return "建筑施工企业"
    if "人力资源" in name:
        return "人力资源服务机构、劳务派遣单位"
    return ""


def _blacklisted(rows: list[list[Any]]) -> list[list[Any]]:
    """Two construction firms on the wage-arrears blacklist (R23); their grade is C."""
    picked = [r for r in rows if r[4] == "建筑业" and r[9] == "正常"][:2]
    for r in picked:
        r[6] = "C"
    return picked


async def _load_sections() -> None:
    have = set(await Section.all().values_list("code", flat=True))
    rows = [list(s) for s in data.SECTIONS if s[0] not in have]
    if rows:
        await inspectors.import_sections(data=_csv(["科室编码", "科室名称", "科室类型"], rows),
                                         filename="demo-sections.csv", actor=ACTOR)


async def _load_staff(today: dt.date) -> None:
    have = set(await Staff.all().values_list("wecom_userid", flat=True))
    rows = []
    for i, (name, userid, section, roles, days) in enumerate(data.STAFF, start=1):
        if userid in have:
            continue
        cert = f"50010220{18 + i % 6}{i:03d}" if days is not None else ""
        until = (today + dt.timedelta(days=days)).isoformat() if days is not None else ""
        mobile = f"1{3 + i % 7}{(i * 7919) % 10**9:09d}"
        rows.append([name, userid, cert, until, section, roles, mobile])
    if rows:
        headers = ["姓名", "企业微信账号", "执法证号", "执法证有效期至", "所属科室", "角色", "手机号码"]
        await inspectors.import_inspectors(data=_csv(headers, rows), filename="demo-staff.csv",
                                           actor=ACTOR, today=clock.today())


async def _load_employers(today: dt.date) -> None:
    rows = employer_rows()
    black = _blacklisted(rows)
    have = set(await Employer.all().values_list("uscc", flat=True))
    new = [r for r in rows if r[0] not in have]
    if new:
        headers = [c.header for c in rosters.EMPLOYER_COLUMNS]
        await rosters.import_employers(data=_csv(headers, new), filename="demo-employers.csv",
                                       actor=ACTOR, today=clock.today())
    for i, row in enumerate(black):
        employer = await Employer.get(uscc=row[0])
        if await BlacklistEntry.exists(employer=employer):
            continue
        decided = today - dt.timedelta(days=200 + 90 * i)  # before the rosters were loaded
        entry = await BlacklistEntry.create(
            employer=employer, legal_rep=employer.legal_rep, status=BlacklistStatus.IN_FORCE,
            cause=f"拖欠{12 + 9 * i}名农民工工资共计{31 + 17 * i}.{4 + i}万元，经责令限期支付逾期未支付",
            basis="《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条第一项",
            noticed_on=decided - dt.timedelta(days=15), hearing_until=decided - dt.timedelta(days=8),
            decided_on=decided, term_start=decided,
            term_end=decided.replace(year=decided.year + 3, day=min(decided.day, 28)))
        await audit.record(actor=ACTOR, action="blacklist.create", obj=entry,
                           after=audit.snapshot(entry))


async def _load_items(today: dt.date) -> None:
    have = set(await Item.all().values_list("code", flat=True))
    rows = [[code, name, basis, data.SUBJECT, content, method, data.ITEMS_EFFECTIVE, "首次公布",
             data.ITEM_CATEGORIES.get(code, "")]
            for code, name, basis, content, method in data.ITEMS if code not in have]
    if rows:
        headers = ["事项编码", "事项名称", "检查依据", "检查主体", "检查内容", "检查方式", "生效日期",
                   "调整理由", "适用单位类别"]
        await item_import.import_items(data=_csv(headers, rows), filename="demo-items.csv",
                                       actor=ACTOR, publish=True, today=today)


async def load(settings: Settings | None = None) -> None:
    today = clock.today()
    with clock.travel(dt.datetime.fromisoformat(data.ITEMS_PUBLISHED)):
        await _load_items(clock.today())
    days = await Days.load()
    with clock.travel(at(days.ago(ROSTERS_AGO), "09:30")):
        await _load_sections()
        await _load_staff(today)
        await _load_employers(today)
