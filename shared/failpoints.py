"""Named crash points, for tests that kill a process at an exact step of its work.

Off unless ``GRIDLINE_FAILPOINTS`` names them; a hit ends the process at once, as a power cut
would, without running any cleanup.
"""

import os

_active: frozenset[str] = frozenset()
CRASH_EXIT_CODE = 86


def configure(spec: str) -> None:
    global _active
    _active = frozenset(p.strip() for p in spec.split(",") if p.strip())


def hit(name: str) -> None:
    if name in _active:
        os._exit(CRASH_EXIT_CODE)
