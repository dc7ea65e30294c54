"""The clock integration tests run a system on: real time, shifted to start at a chosen instant
(who is on duty, and so who gets an order, depends on the hour and the day). It is the services'
own ``StartedClock`` — what ``GRIDLINE_CLOCK_START`` gives them — under the tests' name."""

from shared.clock import StartedClock as RunningClock

__all__ = ["RunningClock"]
