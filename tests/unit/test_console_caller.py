"""The pop-up's caller, pure (issue 21): orders by phone and at the address each once, newest
first, closed ones too; name and 户号 from their orders; the care flag from the register or any
order."""

from typing import Any

from services.console.domain.caller import address_of, caller_view


def order(order_id: str, day: int, **more: Any) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "received_at": f"2026-12-{day:02d}T10:00:00+08:00",
        "caller_name": None,
        "account_no": None,
        "community": "水城花园",
        "building": "3",
        "special_care": False,
        **more,
    }


def test_orders_by_phone_and_at_the_address_once_each_newest_first() -> None:
    by_phone = [order("GL-3", 3, caller_name="张*"), order("GL-1", 1, account_no="A-88")]
    at_address = [order("GL-3", 3), order("GL-2", 2)]
    view = caller_view({"call_id": "c", "phone": "139", "care": False}, by_phone, at_address)
    assert [o["order_id"] for o in view.orders] == ["GL-3", "GL-2", "GL-1"]
    assert (view.name, view.account_no) == ("张*", "A-88")
    assert (view.community, view.building) == ("水城花园", "3")
    assert view.care is False


def test_the_care_flag_comes_from_the_register_or_any_order() -> None:
    call = {"call_id": "c", "phone": "139", "care": False}
    assert caller_view({**call, "care": True}, [], []).care
    assert caller_view(call, [], [order("GL-9", 9, special_care=True)]).care


def test_a_caller_with_no_orders_has_no_address_to_look_at() -> None:
    assert address_of([]) == (None, None)
    assert caller_view({"call_id": "c", "phone": None}, [], []).orders == []
