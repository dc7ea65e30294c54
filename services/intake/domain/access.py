"""Who may see what, pure: a caller's identity and an order's timeline, by the reader's role,
department and person (Art. 12; the caller's number stays with intake)."""

from collections.abc import Iterable
from typing import Any, Protocol

from shared.auth import Principal
from shared.masking import mask_json, mask_phone


class CallerRecord(Protocol):
    """What the rules read of a stored order."""

    @property
    def handling_department(self) -> str | None: ...
    @property
    def assignee_id(self) -> str | None: ...
    @property
    def caller_name(self) -> str | None: ...
    @property
    def caller_phone(self) -> str | None: ...
    @property
    def confidential(self) -> bool: ...


def is_owner(who: Principal, order: CallerRecord) -> bool:
    """The department handling the order (its staff and its head)."""
    return (
        who.is_any("department", "head")
        and order.handling_department is not None
        and who.department == order.handling_department
    )


def is_assignee(who: Principal, order: CallerRecord) -> bool:
    """The person the order is assigned to now (the token's subject is their person id)."""
    return (
        order.assignee_id is not None
        and who.subject != ""
        and who.subject.upper() == order.assignee_id.upper()
    )


def caller_identity(who: Principal, order: CallerRecord) -> tuple[str | None, str | None]:
    """Name and phone as this reader may see them: the number in full only for the person the
    order is assigned to (they call back), masked for everyone else; a confidential 12345
    caller is shown to nobody outside the handling department."""
    name = mask_phone(order.caller_name) if order.caller_name else None
    if is_assignee(who, order):
        return name, order.caller_phone
    if is_owner(who, order):
        return name, mask_phone(order.caller_phone) if order.caller_phone else None
    if order.confidential:
        return None, None
    return name, mask_phone(order.caller_phone) if order.caller_phone else None


def masked(value: Any) -> Any:
    """Phones inside any JSON value masked (notes written by staff may quote a caller's)."""
    return mask_json(value)


def departments_of(order: CallerRecord, dispatched_to: Iterable[str]) -> set[str]:
    """Every department the order was ever given to: the one handling it now and each one a
    dispatch named (a department that returned it keeps its view of what it did)."""
    named = {d for d in dispatched_to if d}
    return named | ({order.handling_department} if order.handling_department else set())


def may_read_timeline(who: Principal, departments: set[str]) -> bool:
    """Operators (who answer "where is my order?"), the operations room and admins read every
    order; a department's staff and its head read the orders given to their department."""
    if who.is_any("operator", "ops", "admin"):
        return True
    return who.is_any("department", "head") and who.department in departments
