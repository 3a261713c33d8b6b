"""Development: debug on by default, everything else as in base."""

from __future__ import annotations

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", True)

# Static files come from the finders; collectstatic output is for production only.
STATIC_ROOT = None
