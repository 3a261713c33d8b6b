"""The editors' roles. The groups themselves are created by accounts/migrations/0001_roles.py;
code refers to them by these names."""

from __future__ import annotations

EDITOR = "Editor"
REVIEWER = "Reviewer"
ROLES = (EDITOR, REVIEWER)
