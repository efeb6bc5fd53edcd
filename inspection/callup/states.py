"""A call-up's states in words: the one table, read by the call-up's own refusals, the chat, the
WeCom cards, the staff API and the campaign report. A leaf module (it imports only the enum), so
the report (inspection/credit/render.py) can read it without depending on the call-up itself."""

from __future__ import annotations

from models.enums import CallUpState

STATE_LABELS: dict[CallUpState, str] = {
    CallUpState.CALLED: "待答复", CallUpState.ACCEPTED: "已接受",
    CallUpState.DECLINED: "因公务无法参加", CallUpState.SKIPPED: "已跳过",
    CallUpState.REPLACED: "逾期未答复，已递补", CallUpState.WITHDRAWN: "已撤回",
}
