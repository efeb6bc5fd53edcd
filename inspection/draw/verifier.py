#!/usr/bin/env python3
"""Check a published Suiji draw record (algorithm "suiji-draw-v1", rules R10-R15).

    python3 verify_draw.py RECORD.json | URL | -     (- reads standard input)

Exit 0: every stratum recomputes exactly as published.  Exit 1: some check fails (the first
mismatch is named).  Exit 2: the input cannot be read or is not a suiji-draw-v1 record.

Standard library only, Python >= 3.8, one file, so that a citizen can read all of it before
trusting it; the application imports these same functions, so it cannot disagree with it.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
import urllib.request
from collections.abc import Sequence
from typing import Any, NamedTuple

ALGORITHM = "suiji-draw-v1"
SEAL = "suiji-seal-v1"  # a confidential draw's sealed strata (see strata_seal)
KINDS = {"employers": "用人单位", "inspectors": "执法检查人员"}
_HEX64 = re.compile(r"[0-9a-fA-F]{64}")
_MAX_BYTES = 64 * 1024 * 1024  # far above any real roster; stops a wrong URL filling memory
_REPORT = (("名单有序", "名单排序有误", {"candidates"}),  # report wording per problem field
           ("名单哈希一致", "名单哈希不一致", {"roster_hash"}),
           ("承诺一致", "承诺不一致", {"commitment"}),
           ("抽取结果一致", "抽取结果不一致", {"drawn", "stratum"}))


class MalformedRecord(ValueError):
    """The record cannot be checked at all (exit 2) -- unlike a check that fails (exit 1)."""


class Problem(NamedTuple):
    stratum: str
    field: str
    expected: Any
    found: Any
    position: int | None = None  # first differing index (list) or character (hex)

    def __str__(self) -> str:
        exp, found, at = self.expected, self.found, ""
        if self.position is not None:
            at = f"，位置 position {self.position}"
            if isinstance(exp, list) and isinstance(found, list):  # a roster is too long to read
                exp, found = (v[self.position] if self.position < len(v) else "(列表已结束 end)"
                              for v in (exp, found))
        return (f"分层 stratum {self.stratum}，字段 field {self.field}{at}："
                f"应为 expected {_show(exp)}，实为 found {_show(found)}")


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _utf8(key: str) -> bytes:
    # Byte order equals code-point order, but NOT UTF-16 order (Java, JavaScript) beyond U+FFFF:
    # re-implementations must compare these bytes, not their language's strings.
    return key.encode("utf-8")


def roster_hash(candidates: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(candidates).encode("utf-8")).hexdigest()


def commitment(secret_hex: str) -> str:
    # The commitment hashes the 32 secret bytes, not their hex text.
    return hashlib.sha256(bytes.fromhex(secret_hex)).hexdigest()


def strata_seal(secret_hex: str, strata: Sequence[tuple[str, int, int, str]]) -> str:
    """A confidential draw publishes this instead of its strata until its result is public:
    sha256 of the lines "suiji-seal-v1", the secret's hex, then "stratum TAB candidates TAB count
    TAB roster_hash" per stratum sorted by UTF-8 bytes.  Salted with the secret, it reveals
    nothing (not even a roster hash equal to a public list's); it binds the strata."""
    lines = [f"{n}\t{size}\t{count}\t{h.lower()}" for n, size, count, h in
             sorted(strata, key=lambda t: _utf8(t[0]))]
    text = "\n".join([SEAL, bytes.fromhex(secret_hex).hex(), *lines])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compute_seed(campaign_code: str, stratum: str, roster_hash_hex: str,
                 public_entropy: str, secret_hex: str) -> bytes:
    # Canonical lowercase hex, so a secret published as "AB.." or "ab.." gives the same seed.
    secret_hex = bytes.fromhex(secret_hex).hex()
    parts = [ALGORITHM, campaign_code, stratum, roster_hash_hex, public_entropy, secret_hex]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).digest()


def rank(seed: bytes, key: str) -> str:
    return hashlib.sha256(seed + _utf8(key)).hexdigest()


def draw_order(seed: bytes, candidates: Sequence[str]) -> list[str]:
    # The key breaks ties; a SHA-256 tie will not happen, but the order must be total on paper.
    return sorted(candidates, key=lambda k: (rank(seed, k), _utf8(k)))


def _first_diff(a: Sequence[Any], b: Sequence[Any]) -> int:
    n = min(len(a), len(b))  # zip(strict=) would need Python 3.10
    return next((i for i in range(n) if a[i] != b[i]), n)


def _need(obj: dict[str, Any], name: str, kind: type, where: str) -> Any:
    if name not in obj:
        raise MalformedRecord(f"缺少字段 missing field: {where}{name}")
    value = obj[name]
    if not isinstance(value, kind) or isinstance(value, bool):  # JSON true is no count
        raise MalformedRecord(f"字段类型错误 wrong type: {where}{name} must be {kind.__name__}")
    return value


def _need_hex64(obj: dict[str, Any], name: str, where: str) -> None:
    if not _HEX64.fullmatch(_need(obj, name, str, where)):
        raise MalformedRecord(f"不是 64 位十六进制 not 64 hex characters: {where}{name}")


def _need_keys(obj: dict[str, Any], name: str, where: str) -> None:
    for i, key in enumerate(_need(obj, name, list, where)):
        if not isinstance(key, str):
            raise MalformedRecord(f"字段类型错误 wrong type: {where}{name}[{i}] must be a string")
        if "\n" in key:  # "\n" joins the roster hash: such a key would make the hash ambiguous
            raise MalformedRecord(f"含换行符 contains a line break: {where}{name}[{i}]")
        try:
            _utf8(key)
        except UnicodeEncodeError:  # a lone surrogate, e.g. "\ud800" in the JSON
            raise MalformedRecord(f"不是 UTF-8 not UTF-8 encodable: {where}{name}[{i}]") from None


def check_header(record: Any) -> None:
    """Raise MalformedRecord unless the record has every field suiji-draw-v1 needs."""
    if not isinstance(record, dict):
        raise MalformedRecord("记录必须是 JSON 对象 the record must be a JSON object")
    if _need(record, "algorithm", str, "") != ALGORITHM:
        raise MalformedRecord(f"不支持的算法 unsupported algorithm {record['algorithm']!r}")
    _need(record, "campaign_code", str, "")
    _need(record, "public_entropy", str, "")
    if _need(record, "kind", str, "") not in KINDS:
        raise MalformedRecord("kind 只能是 must be one of: " + ", ".join(KINDS))
    _need_hex64(record, "secret", "")
    if record.get("strata_seal") is not None:
        _need_hex64(record, "strata_seal", "")
    for i, s in enumerate(_need(record, "strata", list, "")):
        where = f"strata[{i}]."
        if not isinstance(s, dict):
            raise MalformedRecord(f"字段类型错误 wrong type: strata[{i}] must be an object")
        _need(s, "stratum", str, where)
        _need_hex64(s, "roster_hash", where)
        _need_hex64(s, "commitment", where)
        _need_keys(s, "candidates", where)
        _need_keys(s, "drawn", where)
        # Employers need count to know where drawn ends; for inspectors it is only informative.
        wants_count = record["kind"] == "employers" or "count" in s
        if wants_count and _need(s, "count", int, where) < 0:
            raise MalformedRecord(f"不能为负 must not be negative: {where}count")


def verify_stratum(record: dict[str, Any], s: dict[str, Any]) -> list[Problem]:
    """Every failed check of one stratum, in the order one would check them by hand."""
    name, cands, problems = s["stratum"], s["candidates"], []
    for i in range(1, len(cands)):
        if _utf8(cands[i - 1]) >= _utf8(cands[i]):
            problems.append(Problem(name, "candidates", "ascending by UTF-8 bytes, no duplicates",
                                    [cands[i - 1], cands[i]], i))
            break
    expected_hash = roster_hash(cands)
    if s["roster_hash"].lower() != expected_hash:
        problems.append(Problem(name, "roster_hash", expected_hash, s["roster_hash"],
                                _first_diff(expected_hash, s["roster_hash"].lower())))
    expected_commit = commitment(record["secret"])
    if s["commitment"].lower() != expected_commit:
        problems.append(Problem(name, "commitment", expected_commit, s["commitment"],
                                _first_diff(expected_commit, s["commitment"].lower())))
    # The seed takes the hash of the published candidates, so a wrong roster_hash cannot steer it.
    seed = compute_seed(record["campaign_code"], name, expected_hash,
                        record["public_entropy"], record["secret"])
    order = draw_order(seed, cands)
    # Employers: the first `count`, i.e. all of them when the stratum is smaller than its count.
    # Inspectors: the whole order, because replacements (R15) are taken from it one by one.
    expected_drawn = order[:s["count"]] if record["kind"] == "employers" else order
    if s["drawn"] != expected_drawn:
        problems.append(Problem(name, "drawn", expected_drawn, s["drawn"],
                                _first_diff(expected_drawn, s["drawn"])))
    return problems


def verify_record(record: Any) -> list[Problem]:
    """All problems of a record; empty means it verifies.  Raises MalformedRecord (exit 2)."""
    check_header(record)
    problems: list[Problem] = []
    seen = set()
    for s in record["strata"]:
        if s["stratum"] in seen:  # one draw per campaign and stratum, never a second one
            problems.append(Problem(s["stratum"], "stratum", "each stratum once", "repeated"))
        seen.add(s["stratum"])
        problems.extend(verify_stratum(record, s))
    if record.get("strata_seal") is not None:  # a confidential draw: the strata it sealed
        expected, found = strata_seal(record["secret"], [
            (s["stratum"], len(s["candidates"]), s.get("count", 0), roster_hash(s["candidates"]))
            for s in record["strata"]]), record["strata_seal"].lower()
        if found != expected:
            problems.append(Problem("*", "strata_seal", expected, found, _first_diff(expected, found)))
    return problems


def load(source: str) -> Any:
    """Read a record from a path, an http(s) URL or "-" (stdin); MalformedRecord if unreadable."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read(_MAX_BYTES + 1)
        elif source.startswith(("http://", "https://")):
            req = urllib.request.Request(source, headers={"User-Agent": "suiji-verify-draw/1"})
            with urllib.request.urlopen(req, timeout=30) as resp:
                data = resp.read(_MAX_BYTES + 1)
        else:
            with open(source, "rb") as f:
                data = f.read(_MAX_BYTES + 1)
    except (OSError, ValueError) as e:  # URLError and HTTPError are OSErrors
        raise MalformedRecord(f"无法读取 cannot read {source}: {e}") from None
    if len(data) > _MAX_BYTES:
        raise MalformedRecord(f"文件过大 input larger than {_MAX_BYTES} bytes")
    try:
        return json.loads(data)  # from bytes, json detects UTF-8 with or without a BOM
    except ValueError as e:
        raise MalformedRecord(f"不是有效的 JSON not valid JSON: {e}") from None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for stream in (sys.stdout, sys.stderr):  # a console without CJK must not crash the check
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        record = load(args[0])
        problems = verify_record(record)
    except MalformedRecord as e:
        print(f"输入无法读取或格式错误 / Unreadable or malformed input: {e}", file=sys.stderr)
        return 2
    print(f"抽取记录核验 / Draw record check ({ALGORITHM})")
    print(f"活动 campaign: {record['campaign_code']}；对象 kind: {KINDS[record['kind']]} "
          f"({record['kind']})")
    print(f"公开随机数 public entropy: {_show(record['public_entropy'])}")
    for s in record["strata"]:
        bad = {p.field for p in problems if p.stratum == s["stratum"]}
        seed = compute_seed(record["campaign_code"], s["stratum"], roster_hash(s["candidates"]),
                            record["public_entropy"], record["secret"])
        n, d = len(s["candidates"]), len(s["drawn"])
        zh = [no if bad & fields else yes for yes, no, fields in _REPORT]
        print(f"分层 {s['stratum']}：候选 {n} 个，抽取 {d} 个，{'，'.join(zh)} / "
              + ("FAILED" if bad else "OK"))
        print(f"  stratum {s['stratum']}: {n} candidates, {d} drawn, seed {seed.hex()}: "
              + ("mismatch in " + ", ".join(sorted(bad)) if bad else "all checks match"))
    if record.get("strata_seal") is not None:
        ok = not any(p.field == "strata_seal" for p in problems)
        print(f"分层封存值{'一致' if ok else '不一致'} / strata seal: {'OK' if ok else 'FAILED'}")
    if not problems:
        print("结论：全部一致，抽取结果可由公开数据重新算出 / RESULT: OK, the draw recomputes")
        return 0
    print(f"结论：核验未通过 / RESULT: FAILED ({len(problems)} problem(s))")
    print(f"第一处不一致 / first mismatch: {problems[0]}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
