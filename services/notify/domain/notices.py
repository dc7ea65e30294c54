"""Which events someone must hear of, and the notice each gives (before the rules say who)."""

from services.notify.domain import texts
from services.notify.domain.facts import Notification, OrderFacts
from shared.contracts import MajorEventRaised, OrderDispatched, OrderEvent, SlaBreached, SlaWarning


def notification_for(event: OrderEvent, facts: OrderFacts) -> Notification | None:
    """What someone must hear of this event, given what notify knows of its order."""
    cause = str(event.event_id)
    match event:
        case OrderDispatched(payload=p):
            notice = "dispatched" if p.reason == "initial" else "escalated"
            return Notification(
                notice,
                f"{event.order_id}:{p.assignment_id}",
                facts,
                p.priority,
                assignment_id=p.assignment_id,
                cause_event_id=cause,
            )
        case MajorEventRaised(payload=p):
            return Notification(
                "major", cause, facts, "critical", p.reason, p.notify, cause_event_id=cause
            )
        case SlaWarning(payload=p):
            notice = "reply_due" if p.deadline == "reply" else "yellow_card"
            # Keyed on the deadline, not the event: a card the SLA service fires again (after
            # a restart, say) tells nobody twice.
            return Notification(
                notice,
                f"{event.order_id}:{p.deadline}:{p.due.isoformat()}",
                facts,
                facts.priority,
                texts.deadline_reason(p.deadline),
                deadline=p.due,
                cause_event_id=cause,
            )
        case SlaBreached(payload=p):
            return Notification(
                "red_card",
                f"{event.order_id}:{p.deadline}:{p.due.isoformat()}",
                facts,
                facts.priority,
                texts.deadline_reason(p.deadline),
                deadline=p.due,
                cause_event_id=cause,
            )
    return None
