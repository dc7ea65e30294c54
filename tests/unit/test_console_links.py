"""The duty room's SLA dashboard links each order to its console page, when there is one; and
`gridline up` tells the dashboard where the console is."""

from pathlib import Path

from gridline.launcher import LaunchPlan, _console_env
from services.sla.dashboard import render_dashboard


def test_the_dashboard_knows_the_console_and_links_orders_to_it() -> None:
    page = render_dashboard({}, 15, "http://127.0.0.1:8100/")
    assert 'const CONSOLE = "http://127.0.0.1:8100";' in page
    assert 'CONSOLE + "/orders/" + encodeURIComponent(orderId)' in page
    # Both order lists (at risk, recent breaches) use the linking cell.
    assert page.count("orderCell(tr, item.order_id)") == 1
    assert page.count("orderCell(tr, b.order_id)") == 1


def test_without_a_console_the_dashboard_shows_plain_order_ids() -> None:
    assert 'const CONSOLE = "";' in render_dashboard({}, 15)


def test_a_console_url_cannot_close_the_script_element() -> None:
    assert "</script><script>" not in render_dashboard({}, 15, "</script><script>alert(1)")


def test_gridline_up_points_the_dashboard_and_the_console_at_each_other() -> None:
    plan = LaunchPlan(
        "127.0.0.1",
        19092,
        {"intake": 1, "router": 2, "sla": 3, "scoring": 4, "console": 5, "notify": 6},
        Path("var"),
    )
    assert _console_env(plan, "sla") == {"GRIDLINE_CONSOLE_URL": "http://127.0.0.1:5"}
    # A message's order link opens in the console (issue 10: sign in, 签收 in one tap).
    assert _console_env(plan, "notify") == {"GRIDLINE_LINK_BASE_URL": "http://127.0.0.1:5"}
    console = _console_env(plan, "console")
    assert console["GRIDLINE_ROUTER_URL"] == "http://127.0.0.1:2"
    assert console["GRIDLINE_NOTIFY_URL"] == "http://127.0.0.1:6"
    assert console["GRIDLINE_EMBEDDED"] == "true" and "GRIDLINE_CONSOLE_URL" not in console
    assert _console_env(plan, "intake") == {}
