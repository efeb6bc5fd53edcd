"""Shared by the verifier's tests: `ref_*`, a second implementation written straight from DESIGN.md
that shares no code with the verifier, and helpers that run the verifier as a citizen would."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

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
    """The documented example (tools/example_draw_record.json, portal/guides/draw.md)."""
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
