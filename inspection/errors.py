"""Domain errors: a stable code for programs and a message in Chinese for people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Problem:
    """One thing wrong with the input: where (field, row) and why (in Chinese)."""

    message: str
    field: str | None = None
    row: int | None = None
    code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"message": self.message}
        if self.field is not None:
            d["field"] = self.field
        if self.row is not None:
            d["row"] = self.row
        if self.code is not None:
            d["code"] = self.code
        return d


@dataclass
class DomainError(Exception):
    code: str
    message: str
    problems: list[Problem] = field(default_factory=list)
    # HTTP status the adapters map it to; domain code never speaks HTTP itself.
    status: int = 400

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class ValidationFailed(DomainError):
    def __init__(self, problems: list[Problem], message: str = "输入有误，请按提示修改后重试") -> None:
        super().__init__("validation_failed", message, problems, 422)


class NotFound(DomainError):
    def __init__(self, what: str, code: str = "not_found") -> None:
        super().__init__(code, f"{what}不存在或无权查看", [], 404)


class Forbidden(DomainError):
    def __init__(self, message: str = "无权执行此操作", code: str = "forbidden") -> None:
        super().__init__(code, message, [], 403)


class Conflict(DomainError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message, [], 409)


class StorageUnavailable(DomainError):
    """The evidence store refused or could not be reached. `detail` is for the operator's log
    (status, the store's error code, what to check); the message is for the user."""

    def __init__(self, detail: str, message: str = "证据材料存储服务暂不可用，请稍后重试") -> None:
        super().__init__("storage_unavailable", message, [], 503)
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"
