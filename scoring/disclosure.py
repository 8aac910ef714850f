"""The one disclosure threshold: figures of a group smaller than `MIN_GROUP` are never shown.

A figure drawn from a group of one to four enterprises, shown to anyone but an official, can be
worked back to one other enterprise's value (with two firms the median is the other's value; with
four the maximum is one firm's exact figure). Explanations, advice and portraits in `scoring` and
the access rules of the assistant (`assistant.access.privacy`) read the threshold from here, so the
two can never disagree.
"""

from __future__ import annotations

__all__ = ["MIN_GROUP"]

MIN_GROUP = 5
"""The smallest group whose aggregate figures may be shown next to one enterprise's own."""
