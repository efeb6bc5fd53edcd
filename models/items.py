"""The inspection item list (抽查事项清单, R7), versioned: every adjustment is a new version."""

from tortoise import fields

from models.base import TimestampedModel
from models.enums import ItemVersionStatus


class Item(TimestampedModel):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    withdrawn = fields.BooleanField(default=False)

    class Meta:
        table = "item"


class ItemVersion(TimestampedModel):
    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[Item] = fields.ForeignKeyField(
        "models.Item", related_name="versions", on_delete=fields.RESTRICT
    )
    item_id: int
    version = fields.IntField()
    name = fields.CharField(max_length=200)  # 检查事项
    basis = fields.TextField()  # 检查依据
    subject = fields.CharField(max_length=200)  # 检查主体
    content = fields.TextField()  # 检查内容
    method = fields.CharField(max_length=200)  # 检查方式
    # 适用单位类别 (R2): the employer categories the item concerns, joined by "、"; empty = all.
    categories = fields.CharField(max_length=200, default="")
    status = fields.CharEnumField(
        ItemVersionStatus, max_length=16, default=ItemVersionStatus.DRAFT
    )
    effective_from = fields.DateField(null=True)
    reason = fields.TextField(default="")  # why this version (e.g. 法规修订)
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "item_version"
        unique_together = (("item", "version"),)
