"""The published draw verifier, tools/verify_draw.py (R10-R15, DESIGN.md "The draw").

Records here are built by `ref_*`, a second implementation written straight from DESIGN.md that
shares no code with the verifier: if both agree, a citizen's independent re-implementation of the
published algorithm will agree too.  Exit codes are checked by running the CLI as a subprocess,
exactly as a citizen would.
"""

from __future__ import annotations

import ast
import copy
import glob
import hashlib
import http.server
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "tools" / "verify_draw.py"
EXAMPLE = ROOT / "tools" / "example_draw_record.json"

CAMPAIGN = "2026-FL-003"
ENTROPY = "福彩3D 2026321期 5 8 2"
# Example only; a real secret comes from the operating system's CSPRNG at commit time.
SECRET = "5f1c3a9e0b7d24c68e13f0a2b9d7c54e61a8f3b02c9d4e7a1b6c0f5e3d2a9b87"

# Unified social credit codes (统一社会信用代码) of Fuling district (500102), check digits per
# GB 32100-2015, made up for the tests.
CODES = [
    "91500102MAR7HH95XP", "91500102MAR52CA405", "91500102MAW8HJJQ01", "91500102MAK25Y54XY",
    "91500102MA3BJHU700", "91500102MAM99N5924", "91500102MA5CBPXEXG", "91500102MARFD5B8X5",
]


# --- reference implementation, from DESIGN.md only ------------------------------------------


def ref_stratum(stratum: str, keys: list[str], *, kind: str, count: int,
                campaign: str = CAMPAIGN, entropy: str = ENTROPY, secret: str = SECRET) -> dict:
    candidates = sorted(set(keys), key=lambda k: k.encode("utf-8"))
    roster = hashlib.sha256("\n".join(candidates).encode("utf-8")).hexdigest()
    seed_text = ("suiji-draw-v1\n" + campaign + "\n" + stratum + "\n" + roster + "\n" + entropy
                 + "\n" + bytes.fromhex(secret).hex())
    seed = hashlib.sha256(seed_text.encode("utf-8")).digest()
    order = sorted(candidates,
                   key=lambda k: (hashlib.sha256(seed + k.encode("utf-8")).hexdigest(),
                                  k.encode("utf-8")))
    return {
        "stratum": stratum,
        "roster_hash": roster,
        "commitment": hashlib.sha256(bytes.fromhex(secret)).hexdigest(),
        "count": count,
        "candidates": candidates,
        "drawn": order[:count] if kind == "employers" else order,
    }


def ref_record(strata: list[tuple[str, list[str], int]], *, kind: str = "employers",
               campaign: str = CAMPAIGN, entropy: str = ENTROPY, secret: str = SECRET) -> dict:
    return {
        "algorithm": "suiji-draw-v1",
        "campaign_code": campaign,
        "kind": kind,
        "public_entropy": entropy,
        "secret": secret,
        "strata": [ref_stratum(name, keys, kind=kind, count=count, campaign=campaign,
                               entropy=entropy, secret=secret) for name, keys, count in strata],
    }


def example_record() -> dict:
    """The documented example (tools/example_draw_record.json, docs/draw.md)."""
    record = ref_record([("A", CODES[:3], 1), ("C", CODES[3:6], 2)])
    record["note"] = "示例记录，仅用于说明核验方法 / example record, for documentation only"
    return record


def big_record(kind: str = "employers") -> dict:
    """20 employers in one stratum: a tampered seed shows in the drawn list (odds 1 in 1.9e6)."""
    keys = [f"91500102MA{n:07d}X" for n in range(20)]
    return ref_record([("C", keys, 5), ("A", CODES[:4], 1)], kind=kind)


# --- helpers ---------------------------------------------------------------------------------


def load_verifier():
    spec = importlib.util.spec_from_file_location("verify_draw_under_test", VERIFIER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


vd = load_verifier()


def run_cli(*args: str, stdin: str | None = None, python: str = sys.executable):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([python, str(VERIFIER), *args], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=60, check=False)


def run_record(tmp_path: Path, record, name: str = "record.json"):
    path = tmp_path / name
    text = record if isinstance(record, str) else json.dumps(record, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return run_cli(str(path))


# --- a correct record ------------------------------------------------------------------------


def test_correct_record_verifies(tmp_path):
    record = big_record()
    assert vd.verify_record(record) == []
    result = run_record(tmp_path, record)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "分层 C：候选 20 个，抽取 5 个，名单有序，名单哈希一致，承诺一致，抽取结果一致 / OK" \
        in result.stdout
    assert "stratum C: 20 candidates, 5 drawn" in result.stdout
    assert "RESULT: OK" in result.stdout


def test_pure_functions_match_the_reference():
    record = big_record()
    s = record["strata"][0]
    assert vd.roster_hash(s["candidates"]) == s["roster_hash"]
    assert vd.commitment(SECRET) == s["commitment"]
    seed = vd.compute_seed(CAMPAIGN, "C", s["roster_hash"], ENTROPY, SECRET)
    seed_text = f"suiji-draw-v1\n{CAMPAIGN}\nC\n{s['roster_hash']}\n{ENTROPY}\n{SECRET}"
    assert seed == hashlib.sha256(seed_text.encode()).digest()
    key = s["candidates"][0]
    assert vd.rank(seed, key) == hashlib.sha256(seed + key.encode()).hexdigest()
    assert vd.draw_order(seed, s["candidates"])[:5] == s["drawn"]
    # The seed always uses the secret as lowercase hex (secret.hex()).
    assert vd.compute_seed(CAMPAIGN, "C", s["roster_hash"], ENTROPY, SECRET.upper()) == seed


def test_example_record_is_reproducible_and_verifies():
    assert json.loads(EXAMPLE.read_text(encoding="utf-8")) == example_record()
    result = run_cli(str(EXAMPLE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "分层 A：候选 3 个，抽取 1 个" in result.stdout
    assert "分层 C：候选 3 个，抽取 2 个" in result.stdout


def test_worked_example_in_docs_matches_the_reference():
    """docs/draw.md works stratum C of the example by hand; its numbers must stay true."""
    doc = (ROOT / "docs" / "draw.md").read_text(encoding="utf-8")
    c = example_record()["strata"][1]
    seed_text = f"suiji-draw-v1\n{CAMPAIGN}\nC\n{c['roster_hash']}\n{ENTROPY}\n{SECRET}"
    assert "```\n" + seed_text + "\n```" in doc  # the literal six lines
    seed = hashlib.sha256(seed_text.encode()).digest()
    hashes = [c["roster_hash"], c["commitment"], seed.hex()]
    hashes += [hashlib.sha256(seed + k.encode()).hexdigest() for k in c["candidates"]]
    for h in hashes:
        assert h in doc
    assert c["drawn"] == ["91500102MA3BJHU700", "91500102MAM99N5924"]


# --- tampering: exit 1, naming the first mismatch -------------------------------------------


def _change_candidate(r):
    s = r["strata"][0]
    s["candidates"][7] = s["candidates"][7][:-1] + "Y"  # still sorted and unique


def _change_entropy(r):
    r["public_entropy"] = "福彩3D 2026321期 5 8 3"


def _change_secret(r):
    r["secret"] = hashlib.sha256(b"another secret").hexdigest()


def _swap_drawn(r):
    d = r["strata"][0]["drawn"]
    d[1], d[2] = d[2], d[1]


def _change_roster_hash(r):
    h = r["strata"][0]["roster_hash"]
    r["strata"][0]["roster_hash"] = h[:10] + ("0" if h[10] != "0" else "1") + h[11:]


def _change_commitment(r):
    r["strata"][0]["commitment"] = hashlib.sha256(b"not the secret").hexdigest()


@pytest.mark.parametrize(("tamper", "field", "position"), [
    (_change_candidate, "roster_hash", None),
    (_change_entropy, "drawn", None),
    (_change_secret, "commitment", None),
    (_swap_drawn, "drawn", 1),
    (_change_roster_hash, "roster_hash", 10),
    (_change_commitment, "commitment", None),
])
def test_tampering_fails(tmp_path, tamper, field, position):
    record = big_record()
    tamper(record)
    problems = vd.verify_record(record)
    assert problems, "tampering went unnoticed"
    first = problems[0]
    assert (first.stratum, first.field) == ("C", field)
    if position is not None:
        assert first.position == position
    result = run_record(tmp_path, record)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "分层 A：候选 4 个，抽取 1 个，名单有序，名单哈希一致" in result.stdout
    assert "RESULT: FAILED" in result.stdout
    assert f"first mismatch: 分层 stratum C，字段 field {field}" in result.stdout


def test_first_mismatch_names_expected_and_found_keys(tmp_path):
    record = big_record()
    _swap_drawn(record)
    drawn = record["strata"][0]["drawn"]
    out = run_record(tmp_path, record).stdout
    assert f"位置 position 1：应为 expected \"{drawn[2]}\"，实为 found \"{drawn[1]}\"" in out


def test_a_shortened_drawn_list_fails():
    record = big_record()
    record["strata"][0]["drawn"].pop()
    [problem] = vd.verify_record(record)
    assert (problem.field, problem.position) == ("drawn", 4)
    assert "列表已结束" in str(problem)


def test_unsorted_or_duplicate_candidates_fail():
    record = big_record()
    cands = record["strata"][0]["candidates"]
    cands[0], cands[1] = cands[1], cands[0]
    assert vd.verify_record(record)[0][:2] == ("C", "candidates")
    record = big_record()
    record["strata"][0]["candidates"].insert(1, record["strata"][0]["candidates"][0])
    assert vd.verify_record(record)[0][:2] == ("C", "candidates")


def test_a_stratum_drawn_twice_fails():
    record = big_record()
    record["strata"].append(copy.deepcopy(record["strata"][0]))
    assert [p.field for p in vd.verify_record(record)] == ["stratum"]


# --- malformed input: exit 2 -----------------------------------------------------------------


def _without(*path):
    def edit(r):
        target = r
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
    return edit


def _setting(value, *path):
    def edit(r):
        target = r
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return edit


@pytest.mark.parametrize("edit", [
    _without("algorithm"), _without("campaign_code"), _without("kind"),
    _without("public_entropy"), _without("secret"), _without("strata"),
    _without("strata", 0, "stratum"), _without("strata", 0, "roster_hash"),
    _without("strata", 0, "commitment"), _without("strata", 0, "candidates"),
    _without("strata", 0, "drawn"), _without("strata", 0, "count"),
    _setting("suiji-draw-v2", "algorithm"), _setting("lottery", "kind"),
    _setting(SECRET[:-1], "secret"), _setting("zz" + SECRET[2:], "secret"),
    _setting(SECRET[:32] + " " + SECRET[32:], "secret"),
    _setting("abc", "strata", 0, "roster_hash"), _setting(None, "strata", 0, "commitment"),
    _setting(-1, "strata", 0, "count"), _setting(True, "strata", 0, "count"),
    _setting(1.5, "strata", 0, "count"), _setting("A", "strata", 0, "candidates"),
    _setting([1], "strata", 0, "drawn"), _setting(["a\nb"], "strata", 0, "candidates"),
    _setting(["\ud800"], "strata", 0, "candidates"), _setting(["A"], "strata"),
], ids=lambda e: e.__qualname__)
def test_malformed_record_exits_2(tmp_path, edit):
    record = big_record()
    edit(record)
    with pytest.raises(vd.MalformedRecord):
        vd.verify_record(record)
    result = run_record(tmp_path, json.dumps(record))  # ASCII escapes survive the lone surrogate
    assert result.returncode == 2, result.stdout + result.stderr
    assert "malformed input" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("text", ["", "{", "not json", "[]", "null", '"suiji-draw-v1"', "{} {}"])
def test_unparseable_or_non_object_input_exits_2(tmp_path, text):
    assert run_record(tmp_path, text).returncode == 2


def test_missing_file_and_bad_usage_exit_2(tmp_path):
    assert run_cli(str(tmp_path / "nope.json")).returncode == 2
    assert run_cli().returncode == 2
    assert run_cli("a.json", "b.json").returncode == 2


# --- kinds and edge cases --------------------------------------------------------------------


def test_inspectors_keep_the_whole_order(tmp_path):
    certs = [f"渝执法{n:06d}" for n in (101, 205, 317, 428, 539, 640)]
    record = ref_record([("执法人员", certs, 2)], kind="inspectors")
    assert len(record["strata"][0]["drawn"]) == 6
    assert run_record(tmp_path, record).returncode == 0
    del record["strata"][0]["count"]  # "needed" is informative for inspectors
    assert run_record(tmp_path, record).returncode == 0
    # Publishing only the first two called would hide who replaces a decliner (R15).
    record["strata"][0]["drawn"] = record["strata"][0]["drawn"][:2]
    result = run_record(tmp_path, record)
    assert result.returncode == 1
    assert "字段 field drawn，位置 position 2" in result.stdout


def test_count_above_candidates_draws_everyone(tmp_path):
    record = ref_record([("黑名单", CODES[:3], 10)])
    s = record["strata"][0]
    assert sorted(s["drawn"]) == s["candidates"]
    assert run_record(tmp_path, record).returncode == 0
    s["drawn"] = list(s["candidates"])  # everyone, but in roster order, not draw order
    if s["drawn"] != ref_stratum("黑名单", CODES[:3], kind="employers", count=10)["drawn"]:
        assert run_record(tmp_path, record).returncode == 1


def test_empty_stratum(tmp_path):
    record = ref_record([("B", [], 3), ("C", CODES[:2], 1)])
    assert record["strata"][0]["roster_hash"] == hashlib.sha256(b"").hexdigest()
    result = run_record(tmp_path, record)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "分层 B：候选 0 个，抽取 0 个" in result.stdout
    record["strata"][0]["drawn"] = [CODES[5]]
    assert run_record(tmp_path, record).returncode == 1


def test_non_ascii_keys_sort_by_utf8_bytes(tmp_path):
    # Code points: 张 U+5F20 < 李 U+674E < 王 U+738B (pinyin would say li, wang, zhang).
    # Ａ U+FF21 < 𠀀 U+20000 in UTF-8, but the other way round in UTF-16 (Java, JavaScript).
    keys = ["王五", "李四", "张三", "\U00020000", "\uff21", "z", "Z"]
    record = ref_record([("人员", keys, 3)], kind="inspectors")
    assert record["strata"][0]["candidates"] == ["Z", "z", "张三", "李四", "王五", "Ａ", "𠀀"]
    result = run_record(tmp_path, record)
    assert result.returncode == 0, result.stdout + result.stderr
    for wrong in (["Z", "z", "李四", "王五", "张三", "Ａ", "𠀀"],   # pinyin
                  ["Z", "z", "张三", "李四", "王五", "𠀀", "Ａ"]):  # UTF-16 code units
        tampered = copy.deepcopy(record)
        tampered["strata"][0]["candidates"] = wrong
        result = run_record(tmp_path, tampered)
        assert result.returncode == 1
        assert "字段 field candidates" in result.stdout


def test_uppercase_hex_is_accepted(tmp_path):
    record = example_record()
    record["secret"] = record["secret"].upper()
    for s in record["strata"]:
        s["commitment"] = s["commitment"].upper()
        s["roster_hash"] = s["roster_hash"].upper()
    assert run_record(tmp_path, record).returncode == 0


# --- input sources ---------------------------------------------------------------------------


def test_reads_stdin():
    text = EXAMPLE.read_text(encoding="utf-8")
    assert run_cli("-", stdin=text).returncode == 0
    assert run_cli("-", stdin="{").returncode == 2


def test_reads_a_url(tmp_path):
    (tmp_path / "1.json").write_bytes(EXAMPLE.read_bytes())

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert run_cli(f"{base}/1.json").returncode == 0
        missing = run_cli(f"{base}/404.json")
        assert missing.returncode == 2
        assert "404" in missing.stderr
    finally:
        server.shutdown()
        server.server_close()


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    assert run_cli(str(path)).returncode == 0


# --- the file itself -------------------------------------------------------------------------


def test_verifier_uses_the_standard_library_only():
    tree = ast.parse(VERIFIER.read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}
    assert len(VERIFIER.read_text(encoding="utf-8").splitlines()) < 250


def _python38() -> str | None:
    pyenv = os.path.expanduser("~/.pyenv/versions/3.8*/bin/python3")
    found = [shutil.which("python3.8"), *glob.glob(pyenv)]
    for exe in filter(None, found):
        ok = subprocess.run([exe, "-c", "import sys; assert sys.version_info[:2] == (3, 8)"],
                            capture_output=True, check=False)
        if ok.returncode == 0:
            return exe
    return None


def test_runs_on_python_3_8():
    exe = _python38()
    if exe is None:
        pytest.skip("no Python 3.8 on this machine")
    result = run_cli(str(EXAMPLE), python=exe)
    assert result.returncode == 0, result.stdout + result.stderr


if __name__ == "__main__":
    # Regenerate the documented example from the reference implementation above.
    EXAMPLE.write_text(json.dumps(example_record(), ensure_ascii=False, indent=2) + "\n",
                       encoding="utf-8")
