"""The SLA service (时限): order deadlines, yellow and red cards, the operations-room numbers."""

EXTRA_MODULES = {
    "dashboard": "the operations-room page (运营监控大屏): one self-contained HTML document",
    "bench": "the deadline poller's benchmark behind `gridline sla bench`",
    "duty_board": "the duty room's read: unresolved orders with every clock, passed ones too",
    "rates": "the month's rates (按时办结率, 满意率, 重办率, 催办, 督办) per department and grid",
}
