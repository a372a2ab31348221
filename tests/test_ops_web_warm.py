"""gunicorn loads the application once, in its master, and warms it there before forking workers (core/warm.py).

A worker replaced after its thousand requests is then a fork ready to serve, rather than a process importing the
application and compiling templates while the requests sent to it wait. Each check starts Python afresh: what a
process has loaded, and which connections it holds, are matters of the whole process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.fresh_process import REPO, django_json

WARM = """
import gc, json, sys
import actionset.wsgi
from django.db import connection
from django.template import engines
from actionset.core.warm import warm_up

connection.ensure_connection()  # as if something at start-up had asked the database
warmed = warm_up()
def cached(loaders):  # the cached loader, wherever it sits in the chain (django-template-partials wraps it)
    for loader in loaders:
        if hasattr(loader, "get_template_cache"):
            return loader
        found = cached(getattr(loader, "loaders", []))
        if found:
            return found
loader = cached(engines["django"].engine.template_loaders)
print(json.dumps({
    "templates": warmed.templates,
    "skipped": warmed.skipped,
    "url_names": warmed.url_names,
    "loader": type(loader).__name__,
    "cached": sorted(loader.get_template_cache),
    "connection_open": connection.connection is not None,
    "frozen": gc.get_freeze_count(),
    "numba": "numba" in sys.modules,
}))
"""


def test_warming_compiles_every_template_builds_the_url_tables_and_leaves_no_connection_to_share() -> None:
    # Production mode: only there do templates go through the cached loader that a fork inherits.
    found = django_json(WARM, DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="testserver")

    assert found["loader"] == "Loader"  # django.template.loaders.cached
    # Every template compiles, ours and the libraries' (a library's template that did not would be skipped).
    assert found["skipped"] == 0
    assert found["templates"] > 250
    for page in ("base.html", "core/home.html", "meetings/calendar.html", "sets/_home_my_sets.html"):
        assert page in found["cached"]
    assert found["url_names"] > 200
    # A socket open in the master would be shared by every worker forked from it.
    assert found["connection_open"] is False
    assert found["frozen"] > 0
    # Warming imports every view, and still not the composition engine's search (tests/test_ops_web_imports.py).
    assert found["numba"] is False


def _master(**environment: str) -> dict[str, object]:
    """What gunicorn's master does with actionset.gunicorn_conf, in a fresh Python: read the config, load the
    application if it says to preload, then call `when_ready` (before forking the first worker)."""
    script = (
        "import gc, json, sys\n"
        "import actionset.gunicorn_conf as conf\n"
        "if conf.preload_app:\n"
        "    import actionset.wsgi\n"
        "conf.when_ready(None)\n"
        "print(json.dumps({'preload_app': conf.preload_app, 'django_loaded': 'django' in sys.modules,\n"
        "                  'warmed': gc.get_freeze_count() > 0}))\n"
    )
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "actionset.settings", **environment}
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_gunicorn_preloads_and_warms_the_application_by_default() -> None:
    assert _master(DEBUG="1") == {"preload_app": True, "django_loaded": True, "warmed": True}


def test_told_not_to_preload_the_master_never_loads_django() -> None:
    assert _master(DEBUG="1", WEB_PRELOAD="0") == {"preload_app": False, "django_loaded": False, "warmed": False}
