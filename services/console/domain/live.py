"""Who is told of what, pure: an event off the log becomes a ``Change`` that carries no personal
data (a type, an order or call id, whom it concerns), and each open page's ``Channel`` takes the
changes its viewer may see. The browser is told only that something changed: it then reads the
page's fragment through the console's ordinary routes, under the same rights as a reload."""

from dataclasses import dataclass
from typing import Any

# The duty room's business: what is late, escalated or newly red, and what ends it.
DUTY_TYPES = frozenset(
    {
        "OrderDispatched",  # an escalation moves the order up the chain
        "OrderAcknowledged",
        "AckOverdue",
        "SlaWarning",
        "SlaBreached",
        "MajorEventRaised",
        "AppointmentMissed",
        "OrderUrged",
        "OrderSupervised",
        "OrderResolved",
        "OrderWithdrawn",
    }
)
# notify announces each message it sends, with the person it was for (so their 消息 gains a
# line once the message is there to read, not when the event that causes it is only on its way).
MESSAGE_TYPES = frozenset({"MessageRecorded"})
CALL_TYPES = frozenset({"CallRinging"})
PAGES = ("inbox", "messages", "order", "duty", "call")
OFFICE = ("ops", "operator", "admin")  # 消息 shows them everyone's


@dataclass(frozen=True)
class Change:
    type: str
    order_id: str | None = None
    department: str | None = None
    people: frozenset[str] = frozenset()  # person ids (upper case) or operator names it concerns
    call_id: str | None = None

    def wire(self) -> dict[str, str]:
        """What the browser gets: no caller, no phone, no text."""
        said = {"type": self.type}
        if self.order_id:
            said["order_id"] = self.order_id
        if self.call_id:
            said["call_id"] = self.call_id
        return said


@dataclass(frozen=True)
class Viewer:
    kind: str  # operator | ops | admin | department | head
    username: str
    person_id: str | None
    department: str | None


@dataclass(frozen=True)
class Channel:
    page: str
    viewer: Viewer
    order_id: str | None = None  # the order page's own order (its rights checked on connect)


def change_of(event: Any) -> Change | None:
    """The change an event makes to anyone's page, or None. Reads the envelope's common fields
    and the payload's ``assignee_id``/``department``/``operators`` where it has them."""
    kind = getattr(event, "type", None)
    if not isinstance(kind, str):
        return None
    payload = getattr(event, "payload", None)
    people = {
        str(p).upper()
        for p in (
            getattr(payload, "assignee_id", None),
            getattr(event, "worker_id", None),
            *getattr(payload, "operators", ()),
        )
        if p and p != "*"
    }
    department = getattr(payload, "department", None)
    return Change(
        type=kind,
        order_id=getattr(event, "order_id", None),
        department=department if isinstance(department, str) else None,
        people=frozenset(people),
        call_id=getattr(payload, "call_id", None),
    )


def _concerns(viewer: Viewer, change: Change) -> bool:
    names = {n.upper() for n in (viewer.person_id, viewer.username) if n}
    return bool(names & change.people)


def _own_department(viewer: Viewer, change: Change) -> bool:
    return viewer.department is not None and viewer.department == change.department


def accepts(channel: Channel, change: Change) -> bool:
    """Whether this open page is told of the change."""
    viewer, page = channel.viewer, channel.page
    if change.type in CALL_TYPES:
        # A ringing phone is the named operator's alone, on their 受理 page.
        return page == "call" and _concerns(viewer, change)
    if page == "order":
        return change.order_id is not None and change.order_id == channel.order_id
    if page == "inbox":
        return change.order_id is not None and (
            _concerns(viewer, change) or _own_department(viewer, change)
        )
    if page == "duty":
        return change.type in DUTY_TYPES
    if page == "messages":
        if change.type not in MESSAGE_TYPES:
            return False
        if viewer.kind in OFFICE:
            return True
        if viewer.kind == "head":
            return _concerns(viewer, change) or _own_department(viewer, change)
        return _concerns(viewer, change)
    return False


def may_open(page: str, kind: str) -> bool:
    """Which roles may open which live channel (the order page's own order is checked apart)."""
    allowed = {
        "inbox": ("department", "head"),
        "messages": ("department", "head", *OFFICE),
        "order": ("department", "head", *OFFICE),
        "duty": ("ops",),
        "call": ("operator",),
    }
    return kind == "admin" or kind in allowed.get(page, ())
