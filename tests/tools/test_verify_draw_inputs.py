"""The published draw verifier, continued: kinds of record, edge cases and how it reads its input
(file, standard input, URL), on the standard library alone and on Python 3.8."""

from __future__ import annotations

import ast
import copy
import glob
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading

import pytest

from tests.tools.verifykit import (
    CODES,
    EXAMPLE,
    VERIFIER,
    example_record,
    ref_record,
    ref_stratum,
    run_cli,
    run_record,
)

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
    # Short enough to read before trusting it; the seal of confidential draws (issue 16) added 23.
    assert len(VERIFIER.read_text(encoding="utf-8").splitlines()) < 275


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
