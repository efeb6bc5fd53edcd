"""Reading the audit trail (R21) at the desk: who did what to one object, and when, with the
before and after of each change; and whether the chain still verifies. 政策法规科 only — the
trail names every actor and holds every changed value.
"""

from __future__ import annotations

from dataclasses import dataclass

from inspection import audit
from inspection.errors import Forbidden
from models.audit import AuditEvent
from models.enums import StaffStatus
from models.org import Staff

_FIXED = {audit.SYSTEM: "系统（定时任务、消息发送）", audit.CLI: "命令行操作", audit.PUBLIC: "公众"}


@dataclass
class TrailPage:
    events: list[AuditEvent]
    total: int
    actors: dict[str, str]  # actor code -> who, in words


@dataclass
class ChainStatus:
    events: int  # events that verify, from the first
    broken: audit.ChainBreak | None


def require_admin(staff: Staff) -> None:
    if not staff.is_admin or staff.status != StaffStatus.ACTIVE:
        raise Forbidden("只有政策法规科可以查阅审计记录", "admin_only")


async def trail(*, staff: Staff, object_type: str = "", object_id: str = "", by: str = "",
                action: str = "", page: int = 1, page_size: int = 50) -> TrailPage:
    """Newest first. Filters: an object (type, and id), who (`by`: an actor code), an action
    prefix."""
    require_admin(staff)
    query = AuditEvent.all()
    if object_type:
        query = query.filter(object_type=object_type)
    if object_id:
        query = query.filter(object_id=object_id)
    if by:
        query = query.filter(actor=by)
    if action:
        query = query.filter(action__startswith=action)
    total = await query.count()
    events = await query.order_by("-seq").offset((page - 1) * page_size).limit(page_size)
    return TrailPage(events, total, await actor_names({e.actor for e in events}))


async def actor_names(codes: set[str]) -> dict[str, str]:
    ids = {int(c.split(":", 1)[1]) for c in codes
           if c.startswith("staff:") and c.split(":", 1)[1].isdigit()}
    people = {s.id: s for s in await Staff.filter(id__in=ids).prefetch_related("section")}
    out = {}
    for code in codes:
        kind, _, rest = code.partition(":")
        if code in _FIXED:
            out[code] = _FIXED[code]
        elif kind == "staff" and rest.isdigit() and int(rest) in people:
            person = people[int(rest)]
            out[code] = f"{person.name}（{person.section.name}）"
        elif kind == "employer":
            out[code] = f"用人单位（经文书 {rest.rpartition(':')[2]} 的页面）"
        elif kind == "wecom":
            out[code] = f"企业微信用户 {rest}"
        else:
            out[code] = code
    return out


async def chain_status(*, staff: Staff) -> ChainStatus:
    """Walks the whole chain (seconds for a year's events)."""
    require_admin(staff)
    count, broken = await audit.verify_chain()
    return ChainStatus(count, broken)
