"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters: registration authority (1), institution category (1), administrative region (6),
organisation code (9), check character (1). The charset omits I, O, S, V and Z so that codes
cannot be misread. The check character uses weights 3**i mod 31 over the first 17 characters.
"""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]

# Registration authority -> institution categories it issues (GB 32100-2015 Table 1, with the
# codes added by the registration authorities since: 外交, 司法行政, 文化, 旅游, 宗教, 工会,
# 中央军委, 农业 (N: rural collective economic organisations)).
AUTHORITIES: dict[str, str] = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 编办管理的群众团体, 其他
    "2": "19",  # 外交: 外国常驻新闻机构, 其他
    "3": "123459",  # 司法行政: 律师事务所, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游: 外国旅游部门常驻代表机构, 港澳台地区旅游部门常驻内地代表机构, 其他
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}


def check_char(prefix17: str) -> str:
    """The check character for the first 17 characters (which must be in the charset)."""
    total = sum(_VALUE[c] * w for c, w in zip(prefix17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def problems(code: str) -> list[str]:
    """Every reason, in Chinese, why `code` is not a valid USCC; empty when it is valid."""
    if len(code) != 18:
        return [f"长度应为18位，实为{len(code)}位"]
    bad = sorted({c for c in code if c not in _VALUE}, key=code.index)
    if bad:
        return ["含非法字符" + "".join(f"「{c}」" for c in bad)]
    out: list[str] = []
    categories = AUTHORITIES.get(code[0])
    if categories is None:
        out.append(f"登记管理部门代码「{code[0]}」不存在")
    elif code[1] not in categories:
        out.append(f"机构类别代码「{code[1]}」与登记管理部门「{code[0]}」不符")
    if not code[2:8].isdigit():
        out.append("第3至8位应为行政区划码（6位数字）")
    expected = check_char(code[:17])
    if code[17] != expected:
        out.append(f"校验位错误，应为「{expected}」")
    return out


def is_valid(code: str) -> bool:
    return not problems(code)


def normalise(raw: str) -> str:
    """What users type or paste: stray spaces, lower case and full-width characters."""
    text = "".join(raw.split()).upper()
    return text.translate({cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)})


def make_uscc(prefix17: str) -> str:
    """Complete a 17-character prefix with its check character (for the demo and tests)."""
    prefix = prefix17.upper()
    if len(prefix) != 17 or any(c not in _VALUE for c in prefix):
        raise ValueError("prefix must be 17 characters of the USCC charset")
    return prefix + check_char(prefix)
