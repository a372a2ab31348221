"""`pip install .` gives a working application: the wheel holds the templates, static files and migrations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("actionset-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_holds_every_template_and_static_file_inside_the_package(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for folder in ("templates", "static"):
        in_repository = {
            f"actionset/{folder}/{path.relative_to(ROOT / folder).as_posix()}"
            for path in (ROOT / folder).rglob("*")
            if path.is_file()
        }
        assert in_repository
        assert in_repository <= names, sorted(in_repository - names)[:5]
    assert "actionset/templates/site/home.html" in names


def test_the_wheel_holds_every_apps_migrations(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    migrations = {p.relative_to(ROOT).as_posix() for p in (ROOT / "actionset").glob("*/migrations/*.py")}
    assert migrations
    assert migrations <= names


def test_a_checkout_reads_its_templates_from_the_repository() -> None:
    assert settings.TEMPLATES[0]["DIRS"] == [ROOT / "templates"]
    assert settings.STATICFILES_DIRS == [ROOT / "static"]
