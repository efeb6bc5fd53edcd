"""The staff API's own errors (`ApiError`) and the translation of pydantic's validation errors
into per-field Chinese messages; both are answered as problem+json by `notifications.problems`."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from inspection.errors import DomainError, Problem

_MESSAGES: dict[str, str] = {
    "missing": "必填",
    "string_type": "须为文本",
    "string_too_short": "至少 {min_length} 个字",
    "string_too_long": "不能超过 {max_length} 个字",
    "string_pattern_mismatch": "格式不正确",
    "int_type": "须为整数", "int_parsing": "须为整数", "int_from_float": "须为整数",
    "float_type": "须为数字", "float_parsing": "须为数字", "finite_number": "须为有限的数字",
    "decimal_type": "须为数字", "decimal_parsing": "须为数字",
    "decimal_max_places": "小数不能超过 {decimal_places} 位",
    "decimal_max_digits": "数字不能超过 {max_digits} 位",
    "bool_type": "须为 true 或 false", "bool_parsing": "须为 true 或 false",
    "greater_than": "须大于 {gt}", "greater_than_equal": "不能小于 {ge}",
    "less_than": "须小于 {lt}", "less_than_equal": "不能大于 {le}",
    "enum": "须为以下之一：{expected}", "literal_error": "须为以下之一：{expected}",
    "date_type": "须为日期（YYYY-MM-DD）", "date_parsing": "须为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "须为日期（YYYY-MM-DD），不含时间",
    "datetime_type": "须为日期时间", "datetime_parsing": "须为日期时间",
    "list_type": "须为数组", "too_short": "至少 {min_length} 项", "too_long": "最多 {max_length} 项",
    "dict_type": "须为 JSON 对象", "model_type": "须为 JSON 对象", "model_attributes_type": "须为 JSON 对象",
    "extra_forbidden": "不允许的字段", "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON", "none_required": "须为空",
}


def _plain(value: Any) -> Any:
    """Context values as a Chinese reader expects them: 90 not 90.0, a、b not 'a' or 'b'."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.startswith("'"):
        return "、".join(part.strip("' ") for part in
                        value.replace(" or ", ", ").split(", "))
    return value


def field_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "value_error":
        # Our own validators raise ValueError with a Chinese message.
        return str(error.get("ctx", {}).get("error", error.get("msg", "格式不正确")))
    template = _MESSAGES.get(kind, "格式不正确")
    ctx = {k: _plain(v) for k, v in (error.get("ctx") or {}).items()}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


def problems_from(exc: ValidationError, prefix: str = "") -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or prefix.rstrip(".")
        out.append(Problem(field_message(dict(err)), field=(prefix + loc) if loc else None,
                           code=err["type"]))
    return out


class ApiError(DomainError):
    """Raised by the adapter itself (authentication, size, body format)."""

    def __init__(self, status: int, code: str, message: str,
                 problems: list[Problem] | None = None) -> None:
        super().__init__(code, message, problems or [], status)
