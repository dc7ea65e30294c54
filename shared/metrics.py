"""Prometheus metrics shared by every service.

Labels are bounded sets: never an order id or a name."""

from prometheus_client import Counter, Gauge, Histogram

EVENTS_CONSUMED = Counter(
    "gridline_events_consumed_total", "Messages handled by a consumer", ["consumer", "outcome"]
)
HANDLER_SECONDS = Histogram(
    "gridline_handler_seconds",
    "Time to handle one message",
    ["consumer"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DEAD_LETTERED = Counter("gridline_dead_lettered_total", "Messages sent to the DLQ", ["consumer"])
OUTBOX_PUBLISHED = Counter("gridline_outbox_published_total", "Outbox rows published")
OUTBOX_BACKLOG = Gauge("gridline_outbox_backlog", "Outbox rows not yet published")
HTTP_REQUESTS = Counter(
    "gridline_http_requests_total", "HTTP requests", ["route", "method", "status"]
)
