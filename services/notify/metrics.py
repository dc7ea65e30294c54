"""Notify's Prometheus series. Labels are channels and outcomes, never people or orders."""

from prometheus_client import Counter, Gauge

MESSAGES = Counter(
    "gridline_notify_messages_total",
    "Messages by channel and outcome (sent, retry, failed; local = the built-in receiver)",
    ["channel", "outcome"],
)
UNREACHABLE = Counter(
    "gridline_notify_unreachable_total",
    "NotificationFailed published: a person no channel reached after the retries",
    ["notice"],
)
BACKLOG = Gauge(
    "gridline_notify_backlog", "Messages waiting to be sent or retried (pending or in flight)"
)
ALERTS = Counter("gridline_notify_alerts_total", "Alertmanager alerts received", ["status"])
