"""The hot path's statements, built once (issue 14): an order stored with one Core insert that
answers whether its source key was new, its timeline entries as Core inserts, a consumed event
into the timeline in one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` (unknown order and event
seen before both insert nothing), the order's state as a Core update, and the column reads of
the care register and of look-alikes. The repositories execute them; none of them commits.

Core statements bypass the session's identity map: a flow that writes orders here reads them
back with ``populate_existing`` (``OrderRepository.fresh``), never from an object loaded earlier
in the same unit of work.
"""

from typing import Any, cast

from sqlalchemy import Insert, Select, Table, Update, bindparam, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.store.tables import CareEntryRow, OrderRow, TimelineRow

ORDERS = cast(Table, OrderRow.__table__)
TIMELINE = cast(Table, TimelineRow.__table__)
CARE = cast(Table, CareEntryRow.__table__)

TIMELINE_COLUMNS = ("order_id", "event_id", "event_type", "occurred_at", "producer", "payload")


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


def _per_dialect(build: Any) -> dict[str, Any]:
    return {"postgresql": build(pg_insert), "sqlite": build(sqlite_insert)}


def _order_insert(ins: Any) -> Insert:
    statement = ins(ORDERS).on_conflict_do_nothing(index_elements=["source", "source_ref"])
    return statement.returning(ORDERS.c.order_id)  # type: ignore[no-any-return]


def _timeline_once(ins: Any) -> Insert:
    """The event's entry, only if its order exists, and once per ``event_id``."""
    values = select(
        ORDERS.c.order_id,
        *(bindparam(name, type_=TIMELINE.c[name].type) for name in TIMELINE_COLUMNS[1:]),
        bindparam("summary", type_=TIMELINE.c.summary.type),
    ).where(ORDERS.c.order_id == bindparam("order_id"))
    statement = ins(TIMELINE).from_select([*TIMELINE_COLUMNS, "summary"], values)
    return statement.on_conflict_do_nothing(index_elements=["event_id"]).returning(  # type: ignore[no-any-return]
        TIMELINE.c.id
    )


_INSERT_ORDER = _per_dialect(_order_insert)
_TIMELINE_ONCE = _per_dialect(_timeline_once)
INSERT_TIMELINE = insert(TIMELINE)

BY_SOURCE_REF = select(OrderRow.order_id, OrderRow.category, OrderRow.incident_id).where(
    OrderRow.source == bindparam("source"), OrderRow.source_ref == bindparam("source_ref")
)

# A withdrawn order (撤单) is over: no later event moves its state or owes its caller a reply.
_ORDER_KEY = (ORDERS.c.order_id == bindparam("key")) & (ORDERS.c.state != "withdrawn")
SET_STATE: dict[str, Update] = {
    "state": update(ORDERS).where(_ORDER_KEY).values(state=bindparam("state")),
    "dispatched": update(ORDERS)
    .where(_ORDER_KEY)
    .values(
        state=bindparam("state"),
        handling_department=bindparam("department"),
        assignee_id=bindparam("assignee_id"),
    ),
    "linked": update(ORDERS)
    .where(_ORDER_KEY)
    .values(state=bindparam("state"), assignee_id=bindparam("assignee_id")),
    "reopened": update(ORDERS)
    .where(_ORDER_KEY)
    .values(state=bindparam("state"), reply_cycle=func.coalesce(ORDERS.c.reply_cycle, 0) + 1),
}
"""The order's row after an event of another service: its state, and what the event adds."""

_CARE_COLUMNS = select(
    CARE.c.id,
    CARE.c.phone,
    CARE.c.community_key,
    CARE.c.building,
    CARE.c.unit,
    CARE.c.room,
    CARE.c.reason,
).order_by(CARE.c.id)
_CARE_BY_PHONE = CARE.c.phone.in_(bindparam("phones", expanding=True))
_CARE_BY_PLACE = CARE.c.community_key == bindparam("key")
CARE_ACTIVE: dict[tuple[bool, bool], Select[Any]] = {
    (True, True): _CARE_COLUMNS.where(
        CARE.c.retired_at.is_(None), or_(_CARE_BY_PHONE, _CARE_BY_PLACE)
    ),
    (True, False): _CARE_COLUMNS.where(CARE.c.retired_at.is_(None), _CARE_BY_PHONE),
    (False, True): _CARE_COLUMNS.where(CARE.c.retired_at.is_(None), _CARE_BY_PLACE),
}
"""Active register entries by (phone given, community given)."""

_LOOKALIKE_COLUMNS = select(OrderRow.order_id, OrderRow.received_at, OrderRow.incident_id)
SAME_CALLER = _LOOKALIKE_COLUMNS.where(
    OrderRow.caller_phone.in_(bindparam("phones", expanding=True)),
    OrderRow.category == bindparam("category"),
    OrderRow.received_at >= bindparam("since"),
    OrderRow.received_at <= bindparam("until"),
    OrderRow.order_id != bindparam("exclude"),
)
SAME_AREA = _LOOKALIKE_COLUMNS.where(
    OrderRow.community_key == bindparam("community"),
    OrderRow.category.in_(bindparam("categories", expanding=True)),
    OrderRow.received_at >= bindparam("since"),
    OrderRow.received_at <= bindparam("until"),
    OrderRow.order_id != bindparam("exclude"),
)
"""Three columns, not whole rows: a big incident has hundreds of look-alikes."""


def insert_order(session: AsyncSession) -> Insert:
    """``INSERT … ON CONFLICT (source, source_ref) DO NOTHING RETURNING order_id``."""
    return _INSERT_ORDER[_dialect(session)]  # type: ignore[no-any-return]


def timeline_once(session: AsyncSession) -> Insert:
    return _TIMELINE_ONCE[_dialect(session)]  # type: ignore[no-any-return]
