"""The published draw verifier, tools/verify_draw.py (R10-R15, DESIGN.md "The draw").

Records here are built by `ref_*`, a second implementation written straight from DESIGN.md that
shares no code with the verifier: if both agree, a citizen's independent re-implementation of the
published algorithm will agree too.  Exit codes are checked by running the CLI as a subprocess,
exactly as a citizen would.
"""

from __future__ import annotations

import copy
import hashlib
import json

import pytest

from tests.tools.verifykit import (
    CAMPAIGN,
    ENTROPY,
    EXAMPLE,
    ROOT,
    SECRET,
    big_record,
    example_record,
    run_cli,
    run_record,
    vd,
)


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
    """The public guide works stratum C of the example by hand; its numbers must stay true."""
    doc = (ROOT / "portal" / "guides" / "draw.md").read_text(encoding="utf-8")
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
