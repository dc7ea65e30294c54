"""The router's handlers and department commands on a real (SQLite) database, without a broker:
escalation, stale events, returns, extensions, complaints, and refusals that change nothing."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from services.router.config import RouterDeps, load_policy
from services.router.handlers import COMMANDS, EVENTS
from services.router.handlers.commands import (
    Acknowledge,
    Appointment,
    ComplaintVerdict,
    DecideExtension,
    ExtensionAsk,
    ExtensionVerdict,
    NoteProgress,
    Progress,
    RequestExtension,
    Resolution,
    Resolve,
    Return,
    ReturnOrder,
    SetAppointment,
    VerifyComplaint,
)
from services.router.store import Base, RosterEntry, RoutedOrder, RoutingRepository
from shared.auth import Principal
from shared.config import load_yaml
from shared.contracts import (
    AckOverdue,
    AckOverduePayload,
    Address,
    Event,
    MajorEventRaised,
    MajorEventRaisedPayload,
    OrderDispatched,
    OrderEvent,
    OrderReceived,
    OrderReopened,
    OrderReopenedPayload,
    OrderResolved,
    OrderWithdrawn,
    OrderWithdrawnPayload,
)
from shared.http import ApiError as Refused
from shared.http import refusal_status
from shared.organisation import Organisation
from shared.paths import CONFIG_DIR
from shared.refusals import Refusal
from shared.workdays import WorkCalendar
from tests.support.builders import order_received
from tests.support.units import OpenUnits, ServiceUnits

BJ = ZoneInfo("Asia/Shanghai")
WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=BJ)
DEPS = RouterDeps(
    org=load_yaml(CONFIG_DIR / "org.yaml", Organisation),
    policy=load_policy(CONFIG_DIR / "router.yaml"),
    calendar=WorkCalendar.from_file(CONFIG_DIR / "calendar_overrides.yaml"),
)
UM = Principal(role="department:USER_MAINTENANCE", subject="W-0301")
MR = Principal(role="department:METER_READING", subject="W-0101")
UM_HEAD = Principal(role="head:USER_MAINTENANCE", subject="P-0200")
MR_HEAD = Principal(role="head:METER_READING", subject="P-0100")


@pytest.fixture
async def db(service_units: OpenUnits) -> ServiceUnits:
    return await service_units(Base, WEDNESDAY_10)


def received(order_id: str = "GL-1", **changes: Any) -> OrderReceived:
    address = Address(text="水城花园3号楼", community="水城花园")
    base = {"source": "12345", "source_ref": f"LC-{order_id}", "address": address}
    return order_received(order_id, WEDNESDAY_10, **{**base, **changes})


async def on(db: ServiceUnits, event: OrderEvent, now: datetime = WEDNESDAY_10) -> Sequence[Event]:
    handler = EVENTS.get(type(event))
    if handler is None:
        return []
    return await db.handle(handler, event, DEPS, now)


async def order_row(db: ServiceUnits, order_id: str = "GL-1") -> RoutedOrder:
    async with db.transaction() as session:
        row = await RoutingRepository(session).get(order_id)
    assert row is not None
    return row


def overdue(assignment_id: int, order_id: str = "GL-1") -> AckOverdue:
    return AckOverdue(
        order_id=order_id,
        occurred_at=WEDNESDAY_10,
        producer="sla",
        payload=AckOverduePayload(assignment_id=assignment_id, due=WEDNESDAY_10),
    )


def only_dispatch(events: Sequence[Event]) -> OrderDispatched:
    found = [e for e in events if isinstance(e, OrderDispatched)]
    assert len(found) == 1, events
    return found[0]


async def command(
    db: ServiceUnits, kind: Any, who: Any, order_id: str, *rest: Any
) -> Sequence[Event]:
    """Runs the command as the bus does (one transaction, nothing kept when refused); a refusal
    comes out as the caller is answered over HTTP (status, code)."""
    *body, now = [r for r in rest if r is not DEPS]
    message = kind(order_id, who, *body)
    try:
        return await db.handle(COMMANDS[kind], message, DEPS, now)
    except Refusal as refused:
        status = refusal_status(refused)
        raise Refused(status, refused.code, refused.detail, refused.field) from None


# --- escalation ---------------------------------------------------------------------------------


async def test_an_unsigned_order_moves_from_a_to_b_when_its_ack_is_overdue(
    db: ServiceUnits,
) -> None:
    first = only_dispatch(await on(db, received()))
    assert (first.payload.assignee_id, first.payload.assignment_id) == ("W-0301", 1)
    assert (first.payload.ack_due - WEDNESDAY_10) == timedelta(minutes=30)

    later = WEDNESDAY_10 + timedelta(minutes=31)
    second = only_dispatch(await on(db, overdue(1), later))
    assert (second.payload.assignee_id, second.payload.chain_position) == ("W-0302", "B")
    assert (second.payload.assignment_id, second.payload.reason) == (2, "ack_overdue")
    assert second.payload.ack_due == later + timedelta(minutes=30)


async def test_a_stale_ack_overdue_changes_nothing(db: ServiceUnits) -> None:
    await on(db, received())
    await on(db, overdue(1))
    assert await on(db, overdue(1)) == []  # for assignment 1, already replaced by 2
    assert (await order_row(db)).assignment_id == 2

    await command(db, Acknowledge, UM, "GL-1", WEDNESDAY_10)
    assert await on(db, overdue(2)) == []  # acknowledged meanwhile
    assert (await order_row(db)).state == "acknowledged"


async def test_nobody_signing_reaches_the_head_with_a_major_event(db: ServiceUnits) -> None:
    await on(db, received())
    assignees = []
    for number in (1, 2, 3):
        assignees.append(only_dispatch(await on(db, overdue(number))).payload.chain_position)
    events = await on(db, overdue(4))
    head = only_dispatch(events)
    assert assignees == ["B", "TEAM_DUTY", "DEPT_DUTY"]
    assert (head.payload.assignee_id, head.payload.chain_position) == ("P-0200", "HEAD")
    majors = [e for e in events if isinstance(e, MajorEventRaised)]
    assert [m.payload.notify for m in majors] == [("P-0200",)]
    assert (await order_row(db)).major

    # The head does not sign either: nobody further, 调度中心 is told as well.
    events = await on(db, overdue(5))
    assert [type(e).__name__ for e in events] == ["MajorEventRaised"]
    assert events[0].payload.notify == ("P-0200", "P-0400")  # type: ignore[union-attr]


async def test_a_replayed_order_received_is_routed_once(db: ServiceUnits) -> None:
    event = received()
    await on(db, event)
    assert await on(db, event) == []


async def test_leave_set_over_http_is_honoured_at_dispatch(db: ServiceUnits) -> None:
    async with db.transaction() as session:
        session.add(
            RosterEntry(
                kind="leave",
                subject="W-0301",
                body=[{"person": "W-0301", "from": "2026-12-01", "to": "2026-12-03"}],
                updated_at=WEDNESDAY_10,
                updated_by="P-0200",
            )
        )
    dispatch = only_dispatch(await on(db, received()))
    assert dispatch.payload.assignee_id == "W-0302"
    assert dispatch.payload.skipped[0].reason == "W-0301 on leave until 12-03"


async def test_an_incident_flagged_by_intake_reaches_the_head_and_dispatch(
    db: ServiceUnits,
) -> None:
    await on(db, received())
    incident = MajorEventRaised(
        order_id="GL-1",
        occurred_at=WEDNESDAY_10,
        producer="intake",
        payload=MajorEventRaisedPayload(reason="同一爆管 12 人来电", incident_id="INC-1"),
    )
    events = await on(db, incident)
    # The router tells the people: the order's head, and 调度中心 for an incident.
    assert [(e.payload.notify, e.payload.incident_id) for e in events] == [  # type: ignore[union-attr]
        (("P-0200", "P-0400"), "INC-1")
    ]
    assert (await order_row(db)).major


# --- department actions ------------------------------------------------------------------------


async def test_another_department_cannot_acknowledge_and_nothing_changes(db: ServiceUnits) -> None:
    dispatch = only_dispatch(await on(db, received()))
    assert await db.outbox() == [str(dispatch.event_id)]
    with pytest.raises(Refused) as refused:
        await command(db, Acknowledge, MR, "GL-1", WEDNESDAY_10)
    assert refused.value.status == 403
    row = await order_row(db)
    assert (row.state, row.assignment_id, row.assignee_id) == ("dispatched", 1, "W-0301")
    assert await db.outbox() == [str(dispatch.event_id)]  # nothing published by a refusal


INVALID_MOVES = [
    ("resolve before signing", "resolve"),
    ("progress before signing", "progress"),
    ("extension before signing", "extension"),
]


@pytest.mark.parametrize("action", [m[1] for m in INVALID_MOVES], ids=[m[0] for m in INVALID_MOVES])
async def test_invalid_moves_are_refused_with_409(db: ServiceUnits, action: str) -> None:
    await on(db, received())
    calls = {
        "resolve": (
            Resolve,
            Resolution(handling_notes="修好", public_reply="已修复"),
        ),
        "progress": (NoteProgress, Progress(note="到场")),
        "extension": (
            RequestExtension,
            ExtensionAsk(extra_working_days=2, reason="等配件"),
        ),
    }
    fn, body = calls[action]
    args: tuple[Any, ...] = (UM, "GL-1", body, WEDNESDAY_10)
    if action == "extension":
        args += (DEPS,)
    with pytest.raises(Refused) as refused:
        await command(db, fn, *args)
    assert refused.value.status == 409
    assert (await order_row(db)).state == "dispatched"


async def test_signing_twice_is_refused(db: ServiceUnits) -> None:
    await on(db, received())
    await command(db, Acknowledge, UM, "GL-1", WEDNESDAY_10)
    with pytest.raises(Refused) as refused:
        await command(db, Acknowledge, UM, "GL-1", WEDNESDAY_10)
    assert refused.value.status == 409


async def test_the_order_goes_through_its_life_and_each_step_says_who(db: ServiceUnits) -> None:
    await on(db, received())
    ack = await command(db, Acknowledge, UM, "GL-1", WEDNESDAY_10)
    first = datetime(2026, 12, 2, 15, 0, tzinfo=BJ)
    appt = await command(
        db,
        SetAppointment,
        UM,
        "GL-1",
        Appointment(appointment_at=first),
        WEDNESDAY_10,
    )
    with pytest.raises(Refused) as unexplained:
        await command(
            db,
            SetAppointment,
            UM,
            "GL-1",
            Appointment(appointment_at=first + timedelta(days=1)),
            WEDNESDAY_10,
        )
    assert unexplained.value.status == 422
    moved = await command(
        db,
        SetAppointment,
        UM,
        "GL-1",
        Appointment(appointment_at=first + timedelta(days=1), explanation="住户出差"),
        WEDNESDAY_10,
    )
    arrived = await command(
        db,
        NoteProgress,
        UM,
        "GL-1",
        Progress(note="已到场", arrived_on_site=True),
        WEDNESDAY_10,
    )
    done = await command(
        db,
        Resolve,
        UM,
        "GL-1",
        Resolution(contacted_at=WEDNESDAY_10, handling_notes="更换阀门", public_reply="漏水已修复"),
        WEDNESDAY_10,
    )
    events = [*ack, *appt, *moved, *arrived, *done]
    assert [type(e).__name__ for e in events] == [
        "OrderAcknowledged",
        "AppointmentSet",
        "AppointmentSet",
        "ProgressNoted",
        "OrderResolved",
    ]
    assert {(e.payload.department, e.payload.assignment_id) for e in events} == {  # type: ignore[union-attr]
        ("USER_MAINTENANCE", 1)
    }
    assert moved[0].payload.previous_appointment_at == first  # type: ignore[union-attr]
    assert (await order_row(db)).state == "resolved"


# --- returns ---------------------------------------------------------------------------------


async def test_a_returned_order_goes_to_the_department_the_reason_names(db: ServiceUnits) -> None:
    await on(db, received())
    events = await command(
        db,
        ReturnOrder,
        UM,
        "GL-1",
        Return(reason="属水表问题，应由抄表处处理", target_department="METER_READING"),
        WEDNESDAY_10,
        DEPS,
    )
    assert [type(e).__name__ for e in events] == ["OrderReturned", "OrderDispatched"]
    dispatch = only_dispatch(events)
    assert (dispatch.payload.department, dispatch.payload.grid, dispatch.payload.assignee_id) == (
        "METER_READING",
        "MR-DC-01",
        "W-0101",
    )
    assert (dispatch.payload.assignment_id, dispatch.payload.reason) == (2, "returned")
    row = await order_row(db)
    assert (row.department, row.state, row.returns) == ("METER_READING", "dispatched", 1)


async def test_a_return_naming_nobody_goes_to_triage(db: ServiceUnits) -> None:
    # A 12345 order's would be asked of the platform (test_router_platform_return.py).
    await on(db, received(source="96568", source_ref="T-1"))
    events = await command(
        db,
        ReturnOrder,
        UM,
        "GL-1",
        Return(reason="非我处职责"),
        WEDNESDAY_10,
        DEPS,
    )
    dispatch = only_dispatch(events)
    assert (dispatch.payload.department, dispatch.payload.chain_position) == ("DISPATCH", "TRIAGE")


async def test_a_second_return_goes_to_the_head(db: ServiceUnits) -> None:
    await on(db, received())
    back = Return(reason="水表问题", target_department="METER_READING")
    await command(db, ReturnOrder, UM, "GL-1", back, WEDNESDAY_10, DEPS)
    again = Return(reason="是管道漏水", target_department="USER_MAINTENANCE")
    events = await command(db, ReturnOrder, MR, "GL-1", again, WEDNESDAY_10, DEPS)
    dispatch = only_dispatch(events)
    assert (dispatch.payload.assignee_id, dispatch.payload.chain_position) == ("P-0200", "HEAD")


# --- extensions ---------------------------------------------------------------------------------


async def test_an_extension_asked_before_the_deadline_is_granted_by_the_head(
    db: ServiceUnits,
) -> None:
    await on(db, received())
    await command(db, Acknowledge, UM, "GL-1", WEDNESDAY_10)
    before = (await order_row(db)).deadline
    assert before is not None
    asked = ExtensionAsk(extra_working_days=3, reason="需停水施工，等待审批")
    requested = await command(db, RequestExtension, UM, "GL-1", asked, WEDNESDAY_10, DEPS)
    assert [type(e).__name__ for e in requested] == ["ExtensionRequested"]
    with pytest.raises(Refused) as not_head:
        await command(
            db,
            DecideExtension,
            UM,
            "GL-1",
            ExtensionVerdict(approve=True),
            WEDNESDAY_10,
            DEPS,
        )
    assert not_head.value.status == 403
    granted = await command(
        db,
        DecideExtension,
        UM_HEAD,
        "GL-1",
        ExtensionVerdict(approve=True),
        WEDNESDAY_10,
        DEPS,
    )
    assert [type(e).__name__ for e in granted] == ["ExtensionGranted"]
    after = (await order_row(db)).deadline
    assert after == DEPS.calendar.add_working_days(before, 3)
    assert granted[0].payload.new_deadline == after  # type: ignore[union-attr]


EXTENSION_REFUSALS = [
    ("more than ten working days in all", 11, WEDNESDAY_10, 422),
    ("asked after the deadline", 2, WEDNESDAY_10 + timedelta(days=30), 409),
]


@pytest.mark.parametrize(
    ("days", "when", "status"),
    [r[1:] for r in EXTENSION_REFUSALS],
    ids=[r[0] for r in EXTENSION_REFUSALS],
)
async def test_extensions_are_bounded(
    db: ServiceUnits, days: int, when: datetime, status: int
) -> None:
    await on(db, received())
    await command(db, Acknowledge, UM, "GL-1", WEDNESDAY_10)
    asked = ExtensionAsk(extra_working_days=days, reason="等配件")
    with pytest.raises(Refused) as refused:
        await command(db, RequestExtension, UM, "GL-1", asked, when, DEPS)
    assert refused.value.status == status
    assert (await order_row(db)).extension_request is None


async def test_a_refused_extension_keeps_the_deadline(db: ServiceUnits) -> None:
    await on(db, received())
    await command(db, Acknowledge, UM, "GL-1", WEDNESDAY_10)
    before = (await order_row(db)).deadline
    asked = ExtensionAsk(extra_working_days=3, reason="等配件")
    await command(db, RequestExtension, UM, "GL-1", asked, WEDNESDAY_10, DEPS)
    no = ExtensionVerdict(approve=False, reason="配件库存充足")
    events = await command(db, DecideExtension, UM_HEAD, "GL-1", no, WEDNESDAY_10, DEPS)
    assert [type(e).__name__ for e in events] == ["ExtensionRefused"]
    assert (await order_row(db)).deadline == before


# --- complaints ---------------------------------------------------------------------------------


async def test_a_complaint_is_verified_by_the_head_of_the_named_workers_department(
    db: ServiceUnits,
) -> None:
    complaint = received(category="COMPLAINT", category_label="投诉", named_worker_id="W-0101")
    dispatch = only_dispatch(await on(db, complaint))
    assert (dispatch.payload.department, dispatch.payload.assignee_id) == (
        "METER_READING",
        "P-0100",
    )
    verdict = ComplaintVerdict(verified=True, note="属实：未按约定时间上门")
    with pytest.raises(Refused) as other_head:
        await command(db, VerifyComplaint, UM_HEAD, "GL-1", verdict, WEDNESDAY_10)
    assert other_head.value.status == 403
    events = await command(db, VerifyComplaint, MR_HEAD, "GL-1", verdict, WEDNESDAY_10)
    assert [(e.payload.worker_id, e.payload.verified) for e in events] == [  # type: ignore[union-attr]
        ("W-0101", True)
    ]
    with pytest.raises(Refused) as twice:
        await command(db, VerifyComplaint, MR_HEAD, "GL-1", verdict, WEDNESDAY_10)
    assert twice.value.status == 409


async def test_only_complaints_can_be_verified(db: ServiceUnits) -> None:
    await on(db, received())
    verdict = ComplaintVerdict(verified=True)
    with pytest.raises(Refused) as refused:
        await command(db, VerifyComplaint, UM_HEAD, "GL-1", verdict, WEDNESDAY_10)
    assert refused.value.status == 409


async def test_a_reopened_order_goes_back_to_its_departments_chain(db: ServiceUnits) -> None:
    await on(db, received())
    await command(db, Acknowledge, UM, "GL-1", WEDNESDAY_10)
    done = Resolution(handling_notes="更换阀门", public_reply="已修复")
    await command(db, Resolve, UM, "GL-1", done, WEDNESDAY_10)
    reopened = OrderReopened(
        order_id="GL-1",
        occurred_at=WEDNESDAY_10,
        producer="intake",
        payload=OrderReopenedPayload(reason="回访：仍在漏水", by="operator"),
    )
    dispatch = only_dispatch(await on(db, reopened))
    assert (dispatch.payload.assignee_id, dispatch.payload.assignment_id) == ("W-0301", 2)
    assert dispatch.payload.reason == "reopened"
    assert (await order_row(db)).state == "dispatched"
    assert await on(db, reopened.model_copy(update={"event_id": uuid4()})) == []


def reopen(round_number: int = 2) -> OrderReopened:
    return OrderReopened(
        order_id="GL-1",
        occurred_at=WEDNESDAY_10,
        producer="intake",
        payload=OrderReopenedPayload(reason="12345 回访不满意", by="12345", round=round_number),
    )


async def resolved_by_b(db: ServiceUnits) -> None:
    """A's ack ran out, so B (W-0302) signed and resolved it: B is the last holder."""
    await on(db, received())
    await on(db, overdue(1))
    b = Principal(role="department:USER_MAINTENANCE", subject="W-0302")
    await command(db, Acknowledge, b, "GL-1", WEDNESDAY_10)
    done = Resolution(handling_notes="临时包扎", public_reply="已处理")
    first = await command(db, Resolve, b, "GL-1", done, WEDNESDAY_10)
    assert [e.payload.round for e in first if isinstance(e, OrderResolved)] == [1]


async def test_a_reopened_order_goes_back_to_its_last_holder_for_its_second_round(
    db: ServiceUnits,
) -> None:
    await resolved_by_b(db)
    dispatch = only_dispatch(await on(db, reopen()))
    assert (dispatch.payload.assignee_id, dispatch.payload.chain_position) == ("W-0302", "B")
    assert (dispatch.payload.round, dispatch.payload.reason) == (2, "reopened")
    b = Principal(role="department:USER_MAINTENANCE", subject="W-0302")
    await command(db, Acknowledge, b, "GL-1", WEDNESDAY_10)
    done = Resolution(handling_notes="更换管段", public_reply="已修复")
    again = await command(db, Resolve, b, "GL-1", done, WEDNESDAY_10)
    assert [e.payload.round for e in again if isinstance(e, OrderResolved)] == [2]


async def test_a_reopened_order_whose_holder_is_away_goes_down_the_chain(db: ServiceUnits) -> None:
    await resolved_by_b(db)
    async with db.transaction() as session:
        session.add(
            RosterEntry(
                kind="leave",
                subject="W-0302",
                body=[{"person": "W-0302", "from": "2026-12-01", "to": "2026-12-03"}],
                updated_at=WEDNESDAY_10,
                updated_by="P-0200",
            )
        )
    dispatch = only_dispatch(await on(db, reopen()))
    assert dispatch.payload.assignee_id == "W-0301"  # the chain as it stands: A again
    assert dispatch.payload.skipped[0].person_id == "W-0302"
    assert dispatch.payload.skipped[0].reason.startswith("原办理人：")
    assert dispatch.payload.round == 2


async def test_a_withdrawn_order_takes_no_more_moves(db: ServiceUnits) -> None:
    await on(db, received())
    withdrawn = OrderWithdrawn(
        order_id="GL-1",
        occurred_at=WEDNESDAY_10,
        producer="intake",
        payload=OrderWithdrawnPayload(message_id="m-1", at=WEDNESDAY_10),
    )
    assert await on(db, withdrawn) == []
    assert (await order_row(db)).state == "withdrawn"
    assert await on(db, overdue(1)) == []  # nothing escalates it
    with pytest.raises(Refused) as refused:
        await command(db, Acknowledge, UM, "GL-1", WEDNESDAY_10)
    assert refused.value.status == 409


async def test_a_return_after_two_working_days_is_refused(db: ServiceUnits) -> None:
    await on(db, received())
    # Dispatched on Wednesday 10:00: Friday 10:00 is the last moment to return it.
    friday_10 = datetime(2026, 12, 4, 10, 0, tzinfo=BJ)
    saturday = datetime(2026, 12, 5, 9, 0, tzinfo=BJ)
    late = Return(reason="非我处职责", target_department="METER_READING")
    with pytest.raises(Refused) as refused:
        await command(db, ReturnOrder, UM, "GL-1", late, saturday, DEPS)
    assert (refused.value.status, refused.value.code) == (409, "return_too_late")
    assert (await order_row(db)).department == "USER_MAINTENANCE"
    events = await command(db, ReturnOrder, UM, "GL-1", late, friday_10, DEPS)
    assert only_dispatch(events).payload.department == "METER_READING"
