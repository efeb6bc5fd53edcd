"""The papers as another reader sees them: poppler's tools (Debian's poppler-utils, installed by
.ci/run) list the fonts a PDF carries and rasterise its pages, independently of the pypdfium2 the
app itself uses.

Set SUIJI_PAPERS_OUT to a folder to keep the PNG pages there for a human to look at.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

PDFTOPPM, PDFFONTS = shutil.which("pdftoppm"), shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(
    PDFTOPPM is None or PDFFONTS is None,
    reason="Debian's poppler-utils is not installed (.ci/run installs it)")


@dataclass(frozen=True)
class Font:
    name: str
    type: str
    embedded: bool
    subset: bool


def fonts(pdf: bytes) -> list[Font]:
    """`pdffonts` of the file: one row per font, after the two header lines."""
    assert PDFFONTS is not None
    out = subprocess.run([PDFFONTS, "-"], input=pdf, capture_output=True, check=True,
                         timeout=60).stdout.decode()
    rows = []
    for line in out.splitlines()[2:]:
        # name, type (may contain spaces), encoding, emb, sub, uni, object, generation
        parts = line.split()
        name, emb, sub = parts[0], parts[-5], parts[-4]
        rows.append(Font(name=name, type=" ".join(parts[1:-6]), embedded=emb == "yes",
                         subset=sub == "yes"))
    return rows


def pages(pdf: bytes, name: str, *, dpi: int = 110) -> list[Path]:
    """Every page as a PNG (`pdftoppm`), in a temporary folder or in SUIJI_PAPERS_OUT."""
    assert PDFTOPPM is not None
    keep = os.environ.get("SUIJI_PAPERS_OUT")
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="papers-"))
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run([PDFTOPPM, "-png", "-r", str(dpi), "-", str(folder / name)], input=pdf,
                   check=True, timeout=120)
    return sorted(folder.glob(f"{name}-*.png"))


def ink(png: Path) -> float:
    """The share of the page that is not white: a page that rendered blank has none."""
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        dark = sum(count for value, count in enumerate(grey.histogram()) if value < 200)
        return dark / (grey.width * grey.height)
