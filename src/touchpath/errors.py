"""The one exception type shells turn into a one-line message and a non-zero exit.

Library modules raise subclasses for mistakes a user can fix (a bad file, a missing
workspace); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class TouchpathError(Exception):
    """A problem with the user's input or setup, described in one line."""


@dataclass(frozen=True)
class FileIssue:
    """One problem in a file a user wrote (a mapping, a rules file), where it is."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"
