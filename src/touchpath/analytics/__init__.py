"""Ibis Table -> Table functions; they build expressions and never execute them."""

from touchpath.analytics.overview import by_channel, by_touchpoint, totals

__all__ = ["by_channel", "by_touchpoint", "totals"]
