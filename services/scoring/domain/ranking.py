"""18(二)3: places in the monthly counts, and what they earn.

Tie rule ("shared", the default): tied workers share the place and its full points, and the places
they fill are skipped (counts 9, 9, 7 → 1st +5, 1st +5, 3rd +2). "dense": no place is skipped
(9, 9, 7 → 1st, 1st, 2nd). A worker below the minimum count (default: nothing counted) is not
ranked.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Place:
    count: int
    place: int | None
    points: int


def places(
    counts: Mapping[str, int],
    points: tuple[int, ...],
    ties: Literal["shared", "dense"] = "shared",
    minimum_count: int = 1,
) -> dict[str, Place]:
    """Every worker's place in one count (None when unranked) and the points it earns."""
    ranked = sorted(
        ((w, c) for w, c in counts.items() if c >= minimum_count), key=lambda wc: (-wc[1], wc[0])
    )
    result = {w: Place(count=c, place=None, points=0) for w, c in counts.items()}
    previous: int | None = None
    place = 0
    for index, (worker, count) in enumerate(ranked):
        if count != previous:
            place = index + 1 if ties == "shared" else place + 1
            previous = count
        earned = points[place - 1] if place <= len(points) else 0
        result[worker] = Place(count=count, place=place, points=earned)
    return result
