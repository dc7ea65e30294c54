"""Each source's format in, one canonical order out (pure: no database, no broker)."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from services.intake.canonical import (
    activity_event,
    normalize_12345,
    normalize_96568,
    normalize_grid_report,
)
from services.intake.config import load_taxonomy
from services.intake.domain.normalize import parse_address
from services.intake.sources import Call96568, GridActivity, GridReport, Order12345, parse_raw
from shared.config import ConfigError
from shared.contracts import PoisonMessage
from shared.paths import CONFIG_DIR, EXAMPLES_DIR

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
TAXONOMY = load_taxonomy(CONFIG_DIR / "taxonomy.yaml")


def example(name: str) -> Any:
    return json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8"))


def test_the_12345_example_is_a_leak_in_shuicheng_garden() -> None:
    order = normalize_12345(Order12345.model_validate(example("12345_order.json")), TAXONOMY, NOW)
    p = order.payload
    assert (p.category, p.priority, p.address.community, p.address.building) == (
        "LEAK",
        "urgent",
        "水城花园",
        "3",
    )
    assert p.received_at == datetime(2026, 11, 27, 1, 15, 32, tzinfo=UTC)  # 09:15:32 Beijing


def test_the_96568_example_is_low_pressure_with_its_account_number() -> None:
    call = Call96568.model_validate(example("96568_call.json"))
    order = normalize_96568(call, TAXONOMY, NOW)
    p = order.payload
    assert (order.source, order.source_ref) == ("96568", "96568-202611270042")
    assert (p.category, p.category_label, p.account_no) == ("LOW_PRESSURE", "水压低", "0102030405")
    assert (p.address.community, p.address.building, p.address.unit, p.address.room) == (
        "水城花园",
        "5",
        "1",
        "402",
    )
    assert p.address.text == "东昌府区水城花园5号楼1单元402室"
    assert p.appointment_at == datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    assert order.caller.phone == "0635-8212345"


def test_the_grid_report_example_is_a_broken_meter_well_cover_in_the_reporters_grid() -> None:
    report = GridReport.model_validate(example("grid_report.json"))
    order = normalize_grid_report(report, TAXONOMY, NOW)
    p = order.payload
    assert (p.source, p.category, p.grid_hint, p.reporter_id) == (
        "grid_report",
        "COVER_DAMAGED",
        "UM-DC-03",
        "W-0301",
    )
    assert p.needs_reply is False
    assert order.major_event is None


def test_a_major_event_report_is_critical_and_raised_at_once() -> None:
    data = {**example("grid_report.json"), "kind": "major_event", "finding": None}
    data["note"] = "主干管爆管，整个小区停水"
    order = normalize_grid_report(GridReport.model_validate(data), TAXONOMY, NOW)
    assert order.payload.priority == "critical"
    assert order.payload.category == "LEAK"
    assert order.major_event and "W-0301" in order.major_event


def test_each_grid_activity_becomes_one_activity_event() -> None:
    items = [GridActivity.model_validate(a) for a in example("grid_activity.json")]
    events = [activity_event(a, NOW) for a in items]
    assert [(e.worker_id, e.payload.kind) for e in events] == [
        ("W-0301", "consultation"),
        ("W-0301", "message"),
        ("W-0302", "consultation"),
    ]
    assert events[0].payload.customer_signed is True


def test_phone_numbers_in_free_text_are_masked_before_they_reach_the_log() -> None:
    data = {**example("12345_order.json"), "content": "请回电13906351234，白天都在"}
    order = normalize_12345(Order12345.model_validate(data), TAXONOMY, NOW)
    assert "139****1234" in order.payload.content
    assert "13906351234" not in order.payload.model_dump_json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"callerPhone": None}, "callerPhone"),
        ({"callerPhone": "12345"}, "callerPhone"),
        ({"urgency": "很急"}, "urgency"),
        ({"content": "水" * 4001}, "content"),
        ({"platformExtra": 1}, "platformExtra"),
    ],
)
def test_a_12345_order_is_strict_about_its_fields(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Order12345.model_validate({**example("12345_order.json"), **change})
    assert caught.value.errors()[0]["loc"][0] == field


def test_a_96568_call_without_a_caller_phone_is_refused() -> None:
    data = example("96568_call.json")
    data["customer"] = {"name": "李先生"}
    with pytest.raises(ValidationError) as caught:
        Call96568.model_validate(data)
    assert caught.value.errors()[0]["loc"] == ("customer", "phone")


def test_a_newer_grid_app_field_does_not_block_a_report() -> None:
    report = GridReport.model_validate({**example("grid_report.json"), "app_version": "3.1"})
    assert report.report_id.startswith("7d1b6a40")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("聊城市东昌府区柳园街道水城花园3号楼2单元", ("东昌府区", "水城花园", "3", "2")),
        ("东昌府区古楼社区12号楼1单元301室", ("东昌府区", "古楼社区", "12", "1")),
        ("开发区花园", (None, "开发区花园", None, None)),
    ],
)
def test_addresses_split_into_district_community_building_unit(
    text: str, expected: tuple[str | None, ...]
) -> None:
    a = parse_address(text)
    assert (a.district, a.community, a.building, a.unit) == expected


def envelope(source: str, payload: Any) -> bytes:
    return json.dumps({"source": source, "payload": payload}, ensure_ascii=False).encode()


def test_a_raw_envelope_carries_any_source_and_a_list_is_a_batch() -> None:
    assert [type(m).__name__ for m in parse_raw(envelope("96568", example("96568_call.json")))] == [
        "Call96568"
    ]
    activity = parse_raw(envelope("grid_activity", example("grid_activity.json")))
    assert len(activity) == 3


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "not JSON"),
        (b"[]", "bad envelope"),
        (json.dumps({"source": "fax", "payload": {}}).encode(), "source"),
        (envelope("96568", {"ticket_id": "x"}), "invalid 96568 payload: received_at"),
        (envelope("grid_activity", [{"activity_id": "a"}]), "payload[0]"),
    ],
)
def test_a_raw_message_that_cannot_be_read_is_poison_with_its_reason(
    raw: bytes, reason: str
) -> None:
    with pytest.raises(PoisonMessage, match=reason.replace("[", r"\[").replace("]", r"\]")):
        parse_raw(raw)


def test_poison_reasons_name_the_field_but_never_echo_a_phone() -> None:
    data = {**example("12345_order.json"), "urgency": "13906351234"}
    with pytest.raises(PoisonMessage) as caught:
        parse_raw(envelope("12345", data))
    assert "urgency" in str(caught.value)
    assert "13906351234" not in str(caught.value)


def test_every_way_in_is_documented_in_the_openapi_schema() -> None:
    from services.intake.app import create_app
    from services.intake.config import IntakeSettings

    paths = create_app(IntakeSettings()).openapi()["paths"]
    for path in (
        "/v1/orders/12345",
        "/v1/orders/12345/batch",
        "/v1/orders/96568",
        "/v1/orders/96568/batch",
        "/v1/grid-reports",
        "/v1/grid-reports/batch",
        "/v1/grid-activity",
        "/v1/care-register",
        "/v1/incidents/{incident_id}",
    ):
        assert path in paths


@pytest.mark.parametrize(
    ("words", "text", "code"),
    [
        ("城市管理-供水-漏水", "", "LEAK"),
        ("水管爆了", "", "LEAK"),
        ("LEAK", "", "LEAK"),
        ("供水-停水", "", "OUTAGE"),
        ("城市管理-供水-水质异常", "", "WATER_QUALITY"),
        ("水表井盖损坏", "", "COVER_DAMAGED"),
        ("送发票/打印明细", "", "INVOICE_DELIVERY"),
        ("供水-其他", "早上起来自来水发黄有异味", "WATER_QUALITY"),
        ("供水-其他", "楼道里一直在冒水", "LEAK"),
        ("供水-其他", "请问过户怎么办理", "CONSULTATION"),
        ("城市管理-其他", "路灯不亮", "UNCLASSIFIED"),
    ],
)
def test_each_sources_words_map_to_one_taxonomy(words: str, text: str, code: str) -> None:
    assert TAXONOMY.classify(words, text)[0] == code


def test_every_category_the_measures_name_has_a_chinese_label() -> None:
    labels = set(TAXONOMY.categories.values())
    for label in (
        "停水",
        "复水",
        "漏水",
        "水表自转",
        "水量异常",
        "水压低",
        "水质异常",
        "复核表数",
        "咨询",
        "投诉",
        "表扬",
        "送发票/打印明细",
        "水表故障",
        "水表井盖损坏",
        "供水设施损坏",
        "违章用水",
    ):
        assert label in labels


def test_a_taxonomy_naming_an_unknown_category_stops_the_service(tmp_path: Path) -> None:
    bad = tmp_path / "taxonomy.yaml"
    bad.write_text(
        "categories: {UNCLASSIFIED: 待分类}\naliases: {LEAK: [漏水]}\nkeywords: {}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="LEAK"):
        load_taxonomy(bad)
