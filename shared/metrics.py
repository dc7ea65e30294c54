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
READY = Gauge("gridline_ready", "1 while the service is ready; 0 while a transient fault holds it")
TRANSIENT_FAULTS = Counter(
    "gridline_transient_faults_total",
    "Transient faults (database or broker away) that stopped a consumer or loop",
    ["where", "kind"],
)
CONSUMER_STALLED = Gauge(
    "gridline_consumer_stalled_partitions",
    "Partitions a consumer has stopped reading until a transient fault clears",
    ["consumer"],
)
ASSIGNED_PARTITIONS = Gauge(
    "gridline_consumer_assigned_partitions",
    "Partitions the consumer group gave this process's consumer (replicas share them)",
    ["consumer"],
)
OFFSET_COMMITS = Counter(
    "gridline_offset_commits_total", "Kafka offset commits made by a consumer", ["consumer"]
)
BATCHES = Histogram(
    "gridline_consumer_batch_size",
    "Messages handled in one transaction",
    ["consumer"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
)
SKIPPED = Counter(
    "gridline_events_skipped_total",
    "Messages of types a consumer does not handle, dropped from their header",
    ["consumer"],
)
DB_COMMITS = Counter("gridline_db_commits_total", "Database transactions committed")
OUTBOX_PARKED = Gauge(
    "gridline_outbox_parked", "Outbox rows the broker refused for good, waiting for an operator"
)
OUTBOX_PARKED_TOTAL = Counter(
    "gridline_outbox_parkings_total", "Outbox rows parked because the broker refused them for good"
)
BROKER_RESETS = Counter(
    "gridline_broker_resets_total",
    "Times the broker came back without its memory and the service rebuilt its part of the log",
)
