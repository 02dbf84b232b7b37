"""The one exception type shells turn into a one-line message and a non-zero exit.

Library modules raise subclasses for mistakes a user can fix (a bad file, a missing
workspace); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class TouchpathError(Exception):
    """A problem with the user's input or setup, described in one line."""
