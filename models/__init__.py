"""Tortoise ORM models. Persistence only: no HTTP, no WeCom."""

MODEL_MODULES = [
    "models.org",
    "models.employers",
    "models.items",
    "models.campaigns",
    "models.draws",
    "models.callups",
    "models.fieldwork",
    "models.notices",
    "models.penalties",
    "models.publication",
    "models.credit",
    "models.reports",
    "models.outbox",
    "models.audit",
    "models.system",
]
