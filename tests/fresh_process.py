"""Settings read once, when Django starts, are tested by starting it again: in a subprocess with an environment of
its own, as a deployment would, with nothing of the test run's environment inherited but PATH."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def django_json(script: str, **environment: str) -> dict[str, Any]:
    """Run `script` after `django.setup()` in development mode under `environment`; its last line printed, as JSON."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "actionset.settings",
        "DEBUG": "1",
        **environment,
    }
    code = f"import django; django.setup()\n{script}"
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
