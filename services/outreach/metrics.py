"""Outreach's Prometheus series: notices started, posted, overdue; register gaps; trainings."""

from prometheus_client import Counter, Gauge

NOTICE_TASKS = Counter(
    "gridline_outreach_notice_tasks_total",
    "Notice tasks by what happened to them (created, sent, overdue)",
    ["department", "outcome"],
)
GROUP_GAPS = Gauge(
    "gridline_outreach_wechat_group_gaps",
    "Responsible workers with neither the community's group nor the property manager's contact",
    ["department"],
)
TRAININGS = Counter(
    "gridline_outreach_trainings_total", "Trainings recorded (Art. 6)", ["department"]
)
