"""Everything notify does, in three tables: the order events it tells people of (``EVENTS``), the
activity it tells people of (``ACTIVITY_EVENTS``: notice tasks) and Alertmanager's webhook
(``COMMANDS``). One shape, ``(message, uow, deps) -> events``.

- ``orders``: keep what messages need from the log, and plan who hears of what;
- ``alerts``: Alertmanager's firing alerts, for ops;
- ``duty``: who the router has on each team's duty, named after a head's roster change;
- ``deliveries``: store each planned message as a delivery in the same transaction as the inbox
  claim; sending is the delivery job's (jobs.py).
"""

from services.notify.config import NotifyDeps
from services.notify.handlers.alerts import ReceiveAlerts, receive_alerts
from services.notify.handlers.duty import on_team_duty_named
from services.notify.handlers.orders import on_order_event
from services.notify.handlers.tasks import on_assigned_task, on_notice_task
from shared.contracts import (
    DuplicateLinked,
    MajorEventRaised,
    NoticeTaskAssigned,
    OrderDispatched,
    OrderReceived,
    OrderSplit,
    OrderSupervised,
    OrderUrged,
    ReturnRefused,
    SlaBreached,
    SlaWarning,
    TaskAssigned,
    TeamDutyNamed,
)
from shared.unit_of_work import HandlerTable

# The rest of the order log is dropped from its type header, before any transaction (issue 14).
EVENTS: HandlerTable[NotifyDeps] = {
    OrderReceived: on_order_event,  # remember the address, category and deadline
    DuplicateLinked: on_order_event,  # remember the incident (storm control)
    OrderSplit: on_order_event,  # out of its incident: told of on its own
    OrderDispatched: on_order_event,  # dispatched / escalated → the new assignee
    MajorEventRaised: on_order_event,  # major → the heads it names, at once
    SlaWarning: on_order_event,  # yellow_card / reply_due
    SlaBreached: on_order_event,  # red_card
    OrderUrged: on_order_event,  # 12345 催办 → the holder and the head
    OrderSupervised: on_order_event,  # 12345 督办 → the holder and the head
    ReturnRefused: on_order_event,  # 12345 refused our 退单 → the holder and the head
}
# gridline.activity: only what is a message to someone; the rest is dropped from its header.
ACTIVITY_CONSUMER = "notify-activity"
ACTIVITY_EVENTS: HandlerTable[NotifyDeps] = {
    NoticeTaskAssigned: on_notice_task,  # 通知任务 → its worker
    TaskAssigned: on_assigned_task,  # 交办任务 → its worker
    TeamDutyNamed: on_team_duty_named,  # the router's roster changed: who is on duty now
}
COMMANDS: HandlerTable[NotifyDeps] = {
    ReceiveAlerts: receive_alerts,  # POST /v1/alerts: alert → ops (Alertmanager's webhook)
}
