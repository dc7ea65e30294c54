"""Intake's own Prometheus counters. Labels are bounded sets (sources, outcomes), never ids."""

from prometheus_client import Counter, Gauge

ORDERS_RECEIVED = Counter(
    "gridline_intake_orders_total", "Orders received, by source and outcome", ["source", "outcome"]
)
UNMATCHED_ADDRESSES = Counter(
    "gridline_intake_unmatched_address_total",
    "Orders whose address matches no grid (flagged, kept, sent to triage)",
    ["source"],
)
UNCLASSIFIED = Counter(
    "gridline_intake_unclassified_total", "Orders no taxonomy rule could classify", ["source"]
)
SPECIAL_CARE = Counter(
    "gridline_intake_special_care_total", "Orders from registered vulnerable households", ["source"]
)
DUPLICATES_LINKED = Counter(
    "gridline_intake_duplicates_linked_total", "Orders linked to an incident", ["rule"]
)
MAJOR_EVENTS = Counter("gridline_intake_major_events_total", "Major events raised", ["why"])
REPLIES = Counter("gridline_intake_replies_total", "Reply delivery tries", ["channel", "outcome"])
REPLIES_PENDING = Gauge(
    "gridline_intake_replies_pending", "Replies queued and not yet delivered (alert when it grows)"
)
CALLS = Counter(
    "gridline_intake_calls_total", "Hotline calls ended, by outcome (answered, missed)", ["outcome"]
)
CALLBACKS_CLOSED = Counter(
    "gridline_intake_callbacks_closed_total",
    "回拨 tasks closed, by how (reached, unreachable, answered: the caller's next call was "
    "answered) and whether within their deadline (yes, no)",
    ["how", "in_time"],
)
