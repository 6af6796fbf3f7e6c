"""Write openapi/openapi.json from the app (tests/test_openapi.py fails when it is stale)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.config import Settings
from app.main import create_app

PATH = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"


def generate() -> str:
    # The document does not depend on the database; an in-memory URL keeps this side-effect free.
    app = create_app(Settings(database_url="sqlite://"))
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    PATH.parent.mkdir(exist_ok=True)
    PATH.write_text(generate(), encoding="utf-8")
    print(f"wrote {PATH}", file=sys.stderr)
