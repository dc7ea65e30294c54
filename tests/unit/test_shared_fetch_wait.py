"""A consumer's fetch wait: milliseconds under traffic; after a quiet spell it doubles at each
empty poll up to the idle longest, so a lull costs little latency and a long quiet next to no
CPU (the embedded broker holds a fetch to its end)."""

from shared.subscription import Tuning


def test_the_wait_stays_short_through_a_lull_then_doubles_up_to_the_idle_longest() -> None:
    tuning = Tuning(fetch_max_wait_ms=20, idle_fetch_wait_ms=2000, idle_after_seconds=2.0)
    wait, waits = tuning.fetch_max_wait_ms, []
    for quiet in (0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 60.0):
        wait = tuning.next_fetch_wait(wait, quiet)
        waits.append(wait)
    assert waits == [20, 20, 20, 40, 80, 160, 320, 640, 1280, 2000, 2000]
