"""`/n/{token}`: the page a notice's QR code opens on an employer's phone.

It says whether the notice is genuine (revoked or superseded ones say so plainly), shows the
issuer, addressee, content, deadline and current status, lets the addressee confirm receipt
with the verification code printed on the paper it was handed (never shown here nor on this
page's PDF; wrong codes lock the notice for a while, with back-off, and per-IP limits apply) and
then, from a browser that proved the code, upload rectification evidence. Unknown and malformed
tokens get the same page after the same work; every request is rate-limited per IP; every view
and acknowledgment is audited (R21).
"""

from __future__ import annotations

import hashlib
import re
import secrets

from aiohttp import web

from inspection import audit, clock
from inspection.audit import unit_of_work
from inspection.calendar import PROVISIONAL_NOTE
from inspection.errors import DomainError
from inspection.fieldwork import evidence, labels
from inspection.notices import issuing as domain
from models.employers import Employer
from models.enums import EvidenceReview, NoticeStatus
from models.fieldwork import Evidence, FollowUp, RectificationOrder
from models.notices import Notice
from notifications.appkeys import CONFIG, KV, STORAGE
from notifications.render.notices import cn_date, notice_file, view_of
from portal.html import cn_time, e, over_limit, page, too_many

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")
_DUMMY = "-" * 22  # looked up for malformed tokens, so every miss costs the same query
VIEW_LIMIT = (60, 60.0)  # requests per IP per minute
ACK_LIMIT = (10, 3600.0)  # acknowledgment tries per IP per hour
UPLOAD_LIMIT = (20, 3600.0)
MAX_UPLOAD = 10 * evidence.MiB  # per file; the notice's quota is a setting (AppConfig.upload_quota)
# A browser that proved the code: a random session id in an HttpOnly cookie, its hash in the
# shared KV store naming the notice, for a week. Each browser proves the code itself.
COOKIE = "suiji_notice_session"
SESSION_TTL = 7 * 86400
# The page and its PDF name the employer and what it was ordered to do: never kept by a shared
# computer's browser or a proxy.
NO_STORE = {"Cache-Control": "no-store"}
ANONYMOUS_VIEW_EVERY = 3600.0  # seconds


def _session_key(sid: str) -> str:
    return "notice-proof:" + hashlib.sha256(sid.encode()).hexdigest()


async def _is_addressee(request: web.Request, notice: Notice) -> bool:
    """Whether this browser proved the notice's code (its session names this notice)."""
    sid = request.cookies.get(COOKIE, "")
    if not sid or len(sid) > 64:
        return False
    return await request.app[KV].get(_session_key(sid)) == str(notice.id)


async def _open_session(request: web.Request, notice: Notice, resp: web.Response) -> None:
    sid = secrets.token_urlsafe(32)
    await request.app[KV].set(_session_key(sid), str(notice.id), ttl=SESSION_TTL)
    resp.set_cookie(COOKIE, sid, path=f"/n/{notice.token}", httponly=True, samesite="Strict",
                    max_age=SESSION_TTL,
                    secure=request.app[CONFIG].public_base_url.startswith("https://"))


async def _find(token: str) -> Notice | None:
    return await Notice.get_or_none(token=token if TOKEN_RE.match(token) else _DUMMY)


def _miss(request: web.Request) -> web.Response:
    return page(request, "文书核验", '<div class="banner bad">未找到该文书。</div><section>'
                "<p>请核对二维码是否完整、清晰后重新扫描。若文书为纸质送达而此处查不到，"
                "可能不是本局签发，请致电发文机关核实。</p></section>", status=404)


def _deadline_html(notice: Notice, order: RectificationOrder | None) -> str:
    deadline, provisional, confirmed = notice.deadline, notice.deadline_provisional, ""
    assert deadline is not None
    if order is not None and provisional and (order.deadline != deadline
                                              or not order.deadline_provisional):
        # The printed date was 暂定 and has since been recounted: the order's date is in force.
        how = "已重新推算" if order.deadline_provisional else "已按国务院公布的节假日安排确认"
        confirmed = f"（{how}；文书所载暂定期限为{cn_date(deadline)}）"
        deadline, provisional = order.deadline, order.deadline_provisional
    days = (deadline - clock.today()).days
    when = f"{cn_date(deadline)}前" + (PROVISIONAL_NOTE if provisional else "")
    note = f"（还剩 {days} 天）" if days >= 0 else f"（已逾期 {-days} 天）"
    return f"<dt>期限</dt><dd>{e(when)}{e(note)}{e(confirmed)}</dd>"


def _uploads_html(uploads: list[Evidence]) -> str:
    """The addressee's uploads with the inspectors' review (R22): pending, accepted, or not
    accepted and why."""
    rows = []
    for ev in uploads:
        status = labels.REVIEW_LABELS[ev.review_status or EvidenceReview.PENDING]
        if ev.review_status == EvidenceReview.REJECTED and ev.review_reason:
            status += f"：{ev.review_reason}"
        at = ev.created_at.astimezone(clock.BEIJING)
        rows.append(f"<li>{e(ev.original_name or '材料')}（{at:%Y-%m-%d %H:%M} 上传）"
                    f"<br>{e(status)}</li>")
    return (f"<dt>已上传整改材料</dt><dd>{len(uploads)} 份<ul>" + "".join(rows) + "</ul></dd>")


async def _status_html(notice: Notice) -> str:
    parts: list[str] = []
    order_id = notice.rectification_order_id
    order = await RectificationOrder.get(id=order_id) if order_id is not None else None
    if notice.deadline:
        parts.append(_deadline_html(notice, order))
    if order is not None:
        parts.append(f"<dt>整改进度</dt><dd>{e(labels.ORDER_STATE_LABELS[order.state])}</dd>")
        last = await FollowUp.filter(order_id=order.id).order_by("-visited_on", "-id").first()
        if last is not None:
            parts.append(f"<dt>最近回访</dt><dd>{e(cn_date(last.visited_on))} "
                         f"{e(labels.FOLLOW_UP_LABELS[last.result])}</dd>")
    if notice.acknowledged_at:
        at = notice.acknowledged_at.astimezone(clock.BEIJING)
        parts.append(f"<dt>签收</dt><dd>已于 {at:%Y-%m-%d %H:%M} 确认收到</dd>")
    else:
        parts.append("<dt>签收</dt><dd>尚未确认收到</dd>")
    uploads = await Evidence.filter(notice_id=notice.id).order_by("id")
    if uploads:
        parts.append(_uploads_html(list(uploads)))
    return "<section><h2>当前状态</h2><dl>" + "".join(parts) + "</dl></section>"


_CODE_INPUT = ('<input name="code" inputmode="numeric" autocomplete="off" maxlength="20" '
               'placeholder="8位数字" required>')


def _code_form(token: str, title: str, label: str, button: str) -> str:
    return (f'<section><h2>{e(title)}</h2><form class="row" method="post" '
            f'action="/n/{e(token)}/ack"><label>{e(label)}<br>{_CODE_INPUT}</label>'
            f'<button type="submit">{e(button)}</button></form>'
            '<p class="muted">核验码印在执法人员送达的纸质文书二维码下方。连续输错 5 次将暂停验证一段时间。</p>'
            "</section>")


def _proof_or_upload(request: web.Request, notice: Notice, addressee: bool) -> str:
    """What the addressee can do next on a notice in force: confirm receipt with the code,
    prove this browser to upload, or upload."""
    token = notice.token
    until = domain.locked_until(notice, clock.now())
    wants_proof = notice.acknowledged_at is None or (not addressee
                                                      and notice.inspection_id is not None)
    if wants_proof and until is not None:
        title = "确认收到" if notice.acknowledged_at is None else "上传整改材料"
        return (f'<section><h2>{title}</h2><p class="muted">核验码输错次数过多，已暂停验证，'
                f"请于 {e(cn_time(until))} 后再试；如需尽快办理，请联系执法人员解除。</p></section>")
    if notice.acknowledged_at is None:
        return _code_form(token, "确认收到", "请输入纸质文书上的8位核验码", "确认收到")
    if notice.inspection_id is None:
        return ""
    if not addressee:
        return _code_form(token, "上传整改材料", "上传材料前，请输入纸质文书上的8位核验码",
                          "验证")
    quota = request.app[CONFIG].upload_quota
    return (f'<section><h2>上传整改材料</h2><form method="post" action="/n/{e(token)}/evidence" '
            'enctype="multipart/form-data"><input type="file" name="file" '
            'accept="image/jpeg,image/png,image/webp,application/pdf" required> '
            '<button type="submit">上传</button></form>'
            f'<p class="muted">支持 JPG、PNG、WebP 照片和 PDF 文件，单个不超过 {MAX_UPLOAD // evidence.MiB} MB；'
            f"每份文书共可上传 {quota.files} 个文件、{quota.bytes // evidence.MiB} MB。材料由执法人员审核。"
            "</p></section>")


async def _render(request: web.Request, notice: Notice, message: str = "",
                  status: int = 200, *, addressee: bool | None = None) -> web.Response:
    employer = await Employer.get(id=notice.employer_id)
    token = notice.token
    if notice.status == NoticeStatus.ISSUED:
        banner = (f'<div class="banner ok">✓ 本文书真实有效，由{e(notice.issuer)}签发。</div>')
    elif notice.status == NoticeStatus.REVOKED:
        banner = (f'<div class="banner bad">✗ 本文书已被撤销，不再具有效力。'
                  f"撤销理由：{e(notice.status_reason)}</div>")
    else:
        newer = await Notice.get_or_none(id=notice.superseded_by_id)
        link = (f'<a href="/n/{e(newer.token)}">查看替代它的新文书 {e(newer.number)}</a>'
                if newer else "")
        banner = (f'<div class="banner warn">本文书已被新文书替代，不再具有效力。'
                  f"{e(notice.status_reason)} {link}</div>")
    # The page says what the paper says (the same wording), under the paper's particulars.
    paper = view_of(notice, request.app[CONFIG].public_base_url)
    text = "".join(f"<p>{e(b.text)}</p>" for b in paper.body)
    closing = "".join(f'<p class="muted">{e(t)}</p>' for t in (paper.inspectors, paper.contact) if t)
    body = [banner]
    if message:
        body.append(message)
    body.append(
        f"<section><h2>{e(domain.TITLES[notice.kind])}</h2><dl>"
        f"<dt>文号</dt><dd>{e(notice.number)}</dd>"
        f"<dt>发文机关</dt><dd>{e(notice.issuer)}</dd>"
        f"<dt>发文日期</dt><dd>{e(cn_date(notice.issued_on))}</dd>"
        f"<dt>受文单位</dt><dd>{e(employer.name)}</dd></dl>{text}{closing}"
        f'<p><a href="/n/{e(token)}/pdf">下载文书（PDF）</a></p></section>')
    body.append(await _status_html(notice))
    in_force = notice.status == NoticeStatus.ISSUED
    if addressee is None:
        addressee = await _is_addressee(request, notice)
    if in_force:
        body.append(_proof_or_upload(request, notice, addressee))
    return page(request, "文书核验", "".join(body), status=status, updated=notice.updated_at,
                headers=NO_STORE)


async def _looked_up(request: web.Request, action: str) -> Notice | web.Response:
    """The notice of the path's token with the look recorded (R21), or the refusal to send."""
    if await over_limit(request, "notice", limit=VIEW_LIMIT[0], window=VIEW_LIMIT[1]):
        return too_many(request)
    token = request.match_info["token"]
    async with unit_of_work():
        notice = await _find(token)
        if notice is None:
            return _miss(request)
        if await _is_addressee(request, notice):
            await domain.record_view(notice=notice, actor=audit.employer_actor(notice.id),
                                     action=action)
        elif await request.app[KV].set_if_absent(f"notice-seen:{notice.id}:{action}", "1",
                                                 ttl=ANONYMOUS_VIEW_EVERY):
            # Anonymous looks: one audit event per notice and hour, so a script scanning the
            # QR cannot fill the audit trail (the per-IP limit caps the rest).
            await domain.record_view(notice=notice, actor=audit.PUBLIC, action=action)
    return notice


async def view(request: web.Request) -> web.Response:
    notice = await _looked_up(request, "notice.viewed")
    return notice if isinstance(notice, web.Response) else await _render(request, notice)


async def acknowledge(request: web.Request) -> web.Response:
    """The code from the paper: confirms receipt the first time, and proves this browser (so it
    may upload) every time."""
    if await over_limit(request, "notice-ack", limit=ACK_LIMIT[0], window=ACK_LIMIT[1]):
        return too_many(request)
    token = request.match_info["token"]
    if request.content_length is None or request.content_length > 1024:
        return page(request, "文书核验", '<div class="banner bad">请求无效。</div>', status=413)
    form = await request.post()
    code = str(form.get("code", ""))[:32]
    config = request.app[CONFIG]
    async with unit_of_work():
        notice = await _find(token)
        if notice is None:
            return _miss(request)
        result = await domain.acknowledge(notice_id=notice.id, code=code,
                                          secret=config.secret_key)
    outcome, notice = result.outcome, result.notice
    if outcome in (domain.AckOutcome.ACKNOWLEDGED, domain.AckOutcome.PROVED):
        text = ("已确认收到，谢谢。" if outcome == domain.AckOutcome.ACKNOWLEDGED
                else "核验通过，可以上传整改材料。")
        resp = await _render(request, notice, f'<div class="banner ok">{e(text)}</div>',
                             addressee=True)
        await _open_session(request, notice, resp)
        return resp
    if outcome == domain.AckOutcome.LOCKED:
        assert result.locked_until is not None
        text = (f"核验码输错次数过多，已暂停验证，请于 {cn_time(result.locked_until)} 后再试；"
                "如需尽快办理，请联系执法人员解除。")
        wait = max(1, int((result.locked_until - clock.now()).total_seconds()))
        resp = await _render(request, notice, f'<div class="banner bad">{e(text)}</div>', 429)
        resp.headers["Retry-After"] = str(wait)
        return resp
    messages = {
        domain.AckOutcome.WRONG: f"核验码不正确，还可尝试 {result.tries_left} 次。",
        domain.AckOutcome.NOT_IN_FORCE: "该文书已失效，无需确认。",
    }
    return await _render(request, notice,
                         f'<div class="banner bad">{e(messages[outcome])}</div>', 400)


async def pdf(request: web.Request) -> web.StreamResponse:
    notice = await _looked_up(request, "notice.downloaded")
    if isinstance(notice, web.Response):
        return notice
    config = request.app[CONFIG]
    path = await notice_file(notice.id, base_url=config.public_base_url,
                             data_dir=config.data_dir, seal_image=config.seal_image)
    return web.FileResponse(path, headers={
        **NO_STORE, "Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": 'inline; filename="notice.pdf"'})


async def _read_upload(request: web.Request) -> tuple[bytes, str] | str:
    try:
        return await _read_parts(request)
    except (ValueError, AssertionError, UnicodeError, web.HTTPException):
        # aiohttp's multipart reader refuses a bad boundary, header or part with these
        return "上传内容格式有误，请重新选择文件上传"


async def _read_parts(request: web.Request) -> tuple[bytes, str] | str:
    if request.content_length is not None and request.content_length > MAX_UPLOAD + 64 * 1024:
        return f"文件超过 {MAX_UPLOAD // evidence.MiB} MB"
    reader = await request.multipart()
    async for part in reader:
        if getattr(part, "name", None) != "file":
            continue
        data = bytearray()
        while chunk := await part.read_chunk(64 * 1024):  # type: ignore[union-attr]
            data.extend(chunk)
            if len(data) > MAX_UPLOAD:
                return f"文件超过 {MAX_UPLOAD // evidence.MiB} MB"
        return bytes(data), str(getattr(part, "filename", "") or "")
    return "请选择要上传的文件"


async def upload(request: web.Request) -> web.Response:
    """Evidence from a browser that proved the code. Everything is checked before anything is
    written: the token, the proof, the notice's state, then (with the file, read into memory
    and cut off at the size limit) its content, the state again under the row lock, and the
    quota; only then is the file stored."""
    if await over_limit(request, "notice-upload", limit=UPLOAD_LIMIT[0], window=UPLOAD_LIMIT[1]):
        return too_many(request)
    token = request.match_info["token"]
    notice = await _find(token)
    if notice is None:
        return _miss(request)
    if not await _is_addressee(request, notice):
        return await _render(request, notice, '<div class="banner bad">请先在本页输入纸质文书上的'
                             "核验码，再上传材料。</div>", 403, addressee=False)
    try:
        await domain.can_upload(notice)
    except DomainError as exc:
        return await _render(request, notice, f'<div class="banner bad">{e(exc.message)}</div>',
                             exc.status, addressee=True)
    got = await _read_upload(request)
    if isinstance(got, str):
        return await _render(request, notice, f'<div class="banner bad">{e(got)}</div>', 413
                             if "MB" in got else 400, addressee=True)
    data, name = got
    config = request.app[CONFIG]
    try:
        async with unit_of_work():
            # The store inspectors read evidence from (local folder or S3), content-addressed.
            await domain.add_employer_evidence(notice_id=notice.id, data=data,
                                               original_name=name,
                                               storage=request.app[STORAGE],
                                               quota=config.upload_quota)
    except DomainError as exc:
        notice = await Notice.get(id=notice.id)
        return await _render(request, notice, f'<div class="banner bad">{e(exc.message)}</div>',
                             exc.status, addressee=True)
    notice = await Notice.get(id=notice.id)
    return await _render(request, notice, '<div class="banner ok">材料已上传，待执法人员审核。</div>',
                         addressee=True)


def setup(app: web.Application) -> None:
    app.router.add_get("/n/{token}", view)
    app.router.add_post("/n/{token}/ack", acknowledge)
    app.router.add_get("/n/{token}/pdf", pdf)
    app.router.add_post("/n/{token}/evidence", upload)
