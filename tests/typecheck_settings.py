"""The settings mypy's Django plugin loads: the real ones, in development mode.

The plugin imports the settings module to learn the models; with DEBUG off and no SECRET_KEY the real settings refuse
to load (as production must), and the type checker has no environment of its own to set.
"""

import os

os.environ.setdefault("DEBUG", "1")

from actionset.settings import *  # noqa: F403
