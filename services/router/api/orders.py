"""The departments' HTTP endpoints: a department sees and acts on its own orders only. Each
action is a command on the bus (``handlers.COMMANDS``); the answer is the order as it now is."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.router import queries
from services.router.api.context import Bus, Runtime
from services.router.domain import lifecycle
from services.router.handlers.commands import (
    Acknowledge,
    Appointment,
    ComplaintVerdict,
    DecideExtension,
    ExtensionAsk,
    ExtensionVerdict,
    NoteProgress,
    Progress,
    Promise,
    PromiseAnswer,
    RequestExtension,
    Resolution,
    Resolve,
    Return,
    ReturnOrder,
    SetAppointment,
    VerifyComplaint,
)
from services.router.inbox import Inbox, department_inbox
from services.router.schemas import (
    ActionResult,
    AppointmentIn,
    ComplaintVerdictIn,
    ExtensionDecisionIn,
    ExtensionIn,
    OrderOut,
    ProgressIn,
    PromiseIn,
    ResolveIn,
    ReturnIn,
)
from services.router.store import InboxFilter
from shared.auth import Principal
from shared.http import ApiError, require
from shared.params import Limit, Offset, PathKey, QueryKey

router = APIRouter(prefix="/v1")
Staff = Annotated[Principal, Depends(require("department", "head"))]
Head = Annotated[Principal, Depends(require("head"))]
StateQuery = Annotated[str | None, Query(pattern="^(" + "|".join(lifecycle.STATES) + ")$")]
PendingQuery = Annotated[
    bool | None, Query(description="Heads: orders waiting for an extension decision")
]


def _department_of(who: Principal, asked: str | None) -> str:
    if who.kind == "admin":
        if not asked:
            raise ApiError(422, "invalid", "admin must name ?department=", "department")
        return asked
    department = who.department
    if department is None:
        raise ApiError(403, "forbidden", "not a department role", "role")
    if asked and asked != department:
        raise ApiError(403, "forbidden", f"{who.role} may not read {asked}'s orders", "department")
    return department


async def _done(runtime: Runtime, bus: Bus, order_id: str, command: object) -> ActionResult:
    """The command in one unit of work (the change and its events, or nothing), then the
    order as it now stands."""
    done = await bus.handle(command)
    async with runtime.db.snapshot() as session:
        order = await queries.order_view(session, order_id)
    events = [str(getattr(e, "type", "")) for e in done.events]
    return ActionResult(order_id=order_id, events=events, order=order)


@router.get("/inbox", response_model=Inbox, summary="My department's orders, with time left")
async def inbox(
    who: Staff,
    runtime: Runtime,
    department: QueryKey = None,
    state: StateQuery = None,
    assignee: QueryKey = None,
    major: bool | None = None,
    extension_pending: PendingQuery = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Inbox:
    dept = _department_of(who, department)
    now = runtime.clock.now()
    filters = InboxFilter(state, assignee, major, extension_pending)
    async with runtime.db.snapshot() as session:
        return await department_inbox(session, dept, filters, (limit, offset), now)


@router.get("/orders/{order_id}", response_model=OrderOut, summary="One order's routing")
async def order(order_id: PathKey, who: Staff, runtime: Runtime) -> OrderOut:
    async with runtime.db.snapshot() as session:
        return await queries.order_view(session, order_id, who)


@router.post("/orders/{order_id}/acknowledge", response_model=ActionResult, summary="签收")
async def acknowledge(order_id: PathKey, who: Staff, runtime: Runtime, bus: Bus) -> ActionResult:
    return await _done(runtime, bus, order_id, Acknowledge(order_id, who))


@router.post("/orders/{order_id}/appointment", response_model=ActionResult, summary="预约/改约")
async def appointment(
    order_id: PathKey, body: AppointmentIn, who: Staff, runtime: Runtime, bus: Bus
) -> ActionResult:
    return await _done(
        runtime, bus, order_id, SetAppointment(order_id, who, Appointment(**body.model_dump()))
    )


@router.post("/orders/{order_id}/promise", response_model=ActionResult, summary="约定答复时间")
async def promise(
    order_id: PathKey, body: PromiseIn, who: Staff, runtime: Runtime, bus: Bus
) -> ActionResult:
    return await _done(
        runtime, bus, order_id, PromiseAnswer(order_id, who, Promise(**body.model_dump()))
    )


@router.post("/orders/{order_id}/progress", response_model=ActionResult, summary="进展/到场")
async def progress(
    order_id: PathKey, body: ProgressIn, who: Staff, runtime: Runtime, bus: Bus
) -> ActionResult:
    return await _done(
        runtime, bus, order_id, NoteProgress(order_id, who, Progress(**body.model_dump()))
    )


@router.post("/orders/{order_id}/return", response_model=ActionResult, summary="退单")
async def return_order(
    order_id: PathKey, body: ReturnIn, who: Staff, runtime: Runtime, bus: Bus
) -> ActionResult:
    return await _done(
        runtime, bus, order_id, ReturnOrder(order_id, who, Return(**body.model_dump()))
    )


@router.post("/orders/{order_id}/extension", response_model=ActionResult, summary="申请延期")
async def extension(
    order_id: PathKey, body: ExtensionIn, who: Staff, runtime: Runtime, bus: Bus
) -> ActionResult:
    return await _done(
        runtime, bus, order_id, RequestExtension(order_id, who, ExtensionAsk(**body.model_dump()))
    )


@router.post(
    "/orders/{order_id}/extension/decision",
    response_model=ActionResult,
    summary="延期审批（部门负责人）",
)
async def extension_decision(
    order_id: PathKey, body: ExtensionDecisionIn, who: Head, runtime: Runtime, bus: Bus
) -> ActionResult:
    return await _done(
        runtime,
        bus,
        order_id,
        DecideExtension(order_id, who, ExtensionVerdict(**body.model_dump())),
    )


@router.post("/orders/{order_id}/resolve", response_model=ActionResult, summary="办结")
async def resolve(
    order_id: PathKey, body: ResolveIn, who: Staff, runtime: Runtime, bus: Bus
) -> ActionResult:
    return await _done(
        runtime, bus, order_id, Resolve(order_id, who, Resolution(**body.model_dump()))
    )


@router.post(
    "/orders/{order_id}/verify-complaint",
    response_model=ActionResult,
    summary="投诉核实（部门负责人）",
)
async def verify_complaint(
    order_id: PathKey, body: ComplaintVerdictIn, who: Head, runtime: Runtime, bus: Bus
) -> ActionResult:
    return await _done(
        runtime,
        bus,
        order_id,
        VerifyComplaint(order_id, who, ComplaintVerdict(**body.model_dump())),
    )
