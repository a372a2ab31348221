"""Puts the site's templates and static files into the wheel, inside the `actionset` package.

They live at the top of the repository (where CONTRIBUTING says to find them), outside any Python package, so
setuptools would leave them out; settings.py looks for them beside the package when the repository's copies are not
there, as in an installed wheel. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SITE_FILES = ("templates", "static")


class BuildWithSiteFiles(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads them from the repository
            return
        for folder in SITE_FILES:
            source = Path(folder)
            if source.is_dir():
                shutil.copytree(source, Path(self.build_lib) / "actionset" / folder, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithSiteFiles})
