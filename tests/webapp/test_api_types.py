"""The staff app's API types (webapp/src/api/schema.d.ts) are generated from the OpenAPI document
the server serves; this fails when the committed file no longer matches it — regenerate with
`node webapp/scripts/api-types.mjs <document>`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from miniprogram_api.app import openapi_document
from tests.webapp.stage import WEBAPP, require_node_modules


def test_schema_types_match_the_served_document(tmp_path: Path) -> None:
    require_node_modules()
    document = openapi_document()
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run([node, "scripts/api-types.mjs", "--check", str(path)], cwd=WEBAPP,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
