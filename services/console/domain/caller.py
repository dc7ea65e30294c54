"""The caller on the line as the pop-up shows them, pure: every order by that phone and at that
address (closed ones too), newest first, each once; the name and 户号 from the newest order that
has them; the care flag if the register or any of their orders says so."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CallerView:
    call_id: str
    phone: str | None
    name: str | None
    account_no: str | None
    community: str | None
    building: str | None
    care: bool
    orders: list[dict[str, Any]]


def address_of(by_phone: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """The community and building of the newest order by this phone: where to look for the
    orders at the caller's address."""
    for order in by_phone:
        if order.get("community"):
            return order["community"], order.get("building")
    return None, None


def caller_view(
    call: dict[str, Any], by_phone: list[dict[str, Any]], at_address: list[dict[str, Any]]
) -> CallerView:
    orders: dict[str, dict[str, Any]] = {}
    for order in [*by_phone, *at_address]:
        orders.setdefault(order["order_id"], order)
    newest_first = sorted(orders.values(), key=lambda o: str(o["received_at"]), reverse=True)
    community, building = address_of(by_phone)
    return CallerView(
        call_id=str(call["call_id"]),
        phone=call.get("phone"),
        name=next((o["caller_name"] for o in by_phone if o.get("caller_name")), None),
        account_no=next((o["account_no"] for o in by_phone if o.get("account_no")), None),
        community=community,
        building=building,
        care=bool(call.get("care")) or any(o.get("special_care") for o in orders.values()),
        orders=newest_first,
    )
