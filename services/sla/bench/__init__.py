"""The SLA service's benchmarks (``gridline sla bench``, ``gridline sla cost``, and the
``--open-deadlines`` start of ``gridline bench``): measurements, not tests.

- ``poller``: how many open deadlines the poller holds, and how late it fires them;
- ``preload``: a database holding N open deadlines, opened by the service's own handlers;
- ``cost``: CPU seconds per order's events at several numbers of open deadlines held."""

from services.sla.bench.poller import (
    BenchResult,
    create_postgres_database,
    measure,
    prepare,
)

__all__ = ["BenchResult", "create_postgres_database", "measure", "prepare"]
