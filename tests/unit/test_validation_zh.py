"""Validation errors in Chinese (issue 21): each pydantic error type says what the field expects,
from its ``ctx``, under the field's Chinese name; and every field a service's requests can carry
has a Chinese name, so a new field without one fails here."""

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

import pytest
from fastapi import FastAPI
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from shared.field_labels import FIELDS, PATTERNS, PHONE_PATTERN, field_label
from shared.http import invalid
from shared.validation_zh import PHRASES, explain, reason

CJK = re.compile(r"[\u4e00-\u9fff]")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = Field("", max_length=2000)
    title: str = Field("", min_length=3)
    category: str = Field("x", min_length=1)
    phone: str = Field("13906351234", pattern=PHONE_PATTERN)
    source: str = Field("12345", pattern="^(12345|96568|grid_report)$")
    month: str = Field("2026-03", pattern=r"^[0-9A-Z]{7}$")
    requested_by: Literal["caller", "utility"] = "utility"
    priority: Literal["normal", "urgent", "critical"] = "normal"
    extra_working_days: int = Field(1, ge=1, le=365)
    members: int = Field(1, gt=0, lt=500)
    lat: float = 0.0
    solved: bool = True
    appointment_at: AwareDatetime | None = None
    held_on: date | None = None
    worker_ids: list[str] = Field(["W"], min_length=1, max_length=2)


def errors_of(model: Any, data: Any) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as raised:
        if isinstance(model, TypeAdapter):
            model.validate_python(data)
        elif isinstance(data, str):
            model.model_validate_json(data)
        else:
            model.model_validate(data)
    return raised.value.errors()  # type: ignore[return-value]


def said(data: Any, model: Any = Body) -> str:
    (error,) = errors_of(model, data)
    return explain(error)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"description": "字" * 2001}, "诉求内容：最多 2000 字"),
        ({"title": "ab"}, "标题：至少 3 个字"),
        ({"category": ""}, "类别：不能为空"),
        ({"description": 5}, "诉求内容：应为文字"),
        (
            {"phone": "12345"},
            "电话号码：手机号应为 11 位数字（1 开头），固定电话如 0635-8212345 或 8212345",
        ),
        (
            {"source": "web"},
            "来源：应为 12345（12345热线）、96568（96568热线） 或 grid_report（网格上报） 之一",
        ),
        ({"month": "March!"}, "月份：格式不对（应符合 ^[0-9A-Z]{7}$）"),
        ({"requested_by": "boss"}, "改约提出方：应为 caller（来电人） 或 utility（供水方）"),
        (
            {"priority": "soon"},
            "紧急程度：应为 normal（一般）、urgent（紧急） 或 critical（特急） 之一",
        ),
        ({"extra_working_days": 0}, "延期工作日：不能小于 1"),
        ({"extra_working_days": 400}, "延期工作日：不能大于 365"),
        ({"members": 0}, "群人数：应大于 0"),
        ({"members": 500}, "群人数：应小于 500"),
        ({"extra_working_days": "三"}, "延期工作日：应为整数"),
        ({"extra_working_days": 1.5}, "延期工作日：应为整数，不能有小数"),
        ({"extra_working_days": [1]}, "延期工作日：应为整数"),
        ({"lat": "north"}, "lat：应为数字"),
        ({"solved": "maybe"}, "是否解决：应为 true（是）或 false（否）"),
        ({"appointment_at": "明天"}, "预约上门时间：应为日期时间，如 2026-03-05T09:30:00+08:00"),
        (
            {"appointment_at": "2026-03-05T09:30:00"},
            "预约上门时间：须带时区，如 2026-03-05T09:30:00+08:00（北京时间）",
        ),
        ({"held_on": "yesterday"}, "培训日期：应为日期，如 2026-03-05"),
        ({"worker_ids": []}, "网格员：至少填一项"),
        ({"worker_ids": ["a", "b", "c"]}, "网格员：最多 2 项"),
        ({"colour": "red"}, "colour：不认识的字段，请删去"),
        ([1, 2], "请求内容：应为 JSON 对象（{…}）"),
        (
            '{"description": ',
            "请求内容：不是有效的 JSON（EOF while parsing a value at line 1 column 16）",
        ),
    ],
)
def test_each_error_type_says_what_the_field_expects_under_its_chinese_name(
    data: Any, expected: str
) -> None:
    assert said(data) == expected


def test_a_missing_field_is_required_and_a_batch_item_is_named_by_its_place() -> None:
    class Customer(BaseModel):
        phone: str = Field(pattern=PHONE_PATTERN)

    class Call(BaseModel):
        ticket_id: str
        customer: Customer

    batch: TypeAdapter[list[Call]] = TypeAdapter(list[Call])
    first, second, third = errors_of(batch, [{"ticket_id": "T"}, {"customer": {"phone": "1"}}])
    assert explain(first) == "第 1 条 来电人：必填"
    assert explain(second) == "第 2 条 96568 工单号：必填"
    assert explain(third).startswith("第 2 条 来电号码：手机号应为 11 位数字")


def test_a_validators_own_message_is_shown_in_chinese() -> None:
    def after(message: str) -> Callable[[str], str]:
        def check(value: str) -> str:
            raise ValueError(message)

        return check

    from pydantic import AfterValidator

    chinese = TypeAdapter(Annotated[str, AfterValidator(after("结束时间须晚于开始时间"))])
    english = TypeAdapter(Annotated[str, AfterValidator(after("leave ends before it starts"))])
    unknown = TypeAdapter(Annotated[str, AfterValidator(after("no good"))])
    assert reason(errors_of(chinese, "x")[0]) == "结束时间须晚于开始时间"
    assert reason(errors_of(english, "x")[0]) == "结束日期早于开始日期"
    assert reason(errors_of(unknown, "x")[0]) == "取值无效（no good）"


def test_a_tagged_union_names_its_tag_and_the_branchs_fields_by_their_own_names() -> None:
    class Urge(BaseModel):
        kind: Literal["urge"]
        message_id: str

    class Redo(BaseModel):
        kind: Literal["redo"]
        deadline: datetime

    followup: TypeAdapter[Urge | Redo] = TypeAdapter(
        Annotated[Urge | Redo, Field(discriminator="kind")]
    )
    (wrong,) = errors_of(followup, {"kind": "hurry"})
    assert explain(wrong) == "类型：应为 urge 或 redo"
    (none,) = errors_of(followup, {})
    assert explain(none) == "类型：必填"
    (inner,) = errors_of(followup, {"kind": "redo", "deadline": "soon"})
    assert explain(inner) == "办结时限：应为日期时间，如 2026-03-05T09:30:00+08:00"


def test_the_http_answer_keeps_the_machine_field_and_says_the_reason_in_chinese() -> None:
    errors = [
        {"loc": ("body", "customer", "phone"), "type": "string_pattern_mismatch", "msg": "x",
         "ctx": {"pattern": PHONE_PATTERN}},
        {"loc": ("query", "limit"), "type": "less_than_equal", "msg": "x", "ctx": {"le": 500}},
        {"loc": ("path", "unit"), "type": "string_too_long", "msg": "x", "ctx": {"max_length": 40}},
    ]  # fmt: skip
    answer = invalid(errors, service="router")
    assert (answer.status, answer.code, answer.field) == (422, "invalid", "customer.phone")
    phone = "来电号码：手机号应为 11 位数字（1 开头），固定电话如 0635-8212345 或 8212345"
    assert answer.detail == [
        {"field": "customer.phone", "reason": phone},
        {"field": "limit", "reason": "每页条数：不能大于 500"},
        {"field": "unit", "reason": "班组：最多 40 字"},
    ]
    assert invalid(errors[2:], service="intake").detail[0]["reason"] == "单元：最多 40 字"


def test_an_unknown_error_type_still_says_something() -> None:
    error = {"loc": ("body", "note"), "type": "brand_new", "msg": "Something odd"}
    assert explain(error) == "说明：取值无效（Something odd）"


def test_the_tables_are_well_formed() -> None:
    for key, name in FIELDS.items():
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", key), key
        assert CJK.search(name), (key, name)
    for pattern, description in PATTERNS.items():
        re.compile(pattern)
        assert CJK.search(description), pattern
    for kind in PHRASES:
        assert re.fullmatch(r"[a-z_]+", kind), kind


def test_the_longest_known_piece_of_a_path_names_it() -> None:
    assert field_label(["household", "phone"]) == "住户电话"
    assert field_label(["customer", "phone"]) == "来电号码"
    assert field_label(["Call96568", "customer", "phone"]) == "来电号码"
    assert field_label(["alerts", "labels", "severity"]) == "告警标签 severity"
    assert field_label(["overrides", "from"]) == "调整开始"
    assert field_label(["from"]) == "主叫号码"
    assert field_label(["nothing_like_it"]) is None


# --- every field of every request has a Chinese name ----------------------------------------


def request_fields(document: dict[str, Any]) -> tuple[set[tuple[str, ...]], set[str]]:
    """Every field path of every request body and parameter (through $ref, unions, lists and
    maps), and every pattern a field must match."""
    components = document.get("components", {}).get("schemas", {})
    fields: set[tuple[str, ...]] = set()
    patterns: set[str] = set()

    def visit(node: dict[str, Any], path: tuple[str, ...], seen: frozenset[str]) -> None:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                visit(components[name], path, seen | {name})
            return
        if "pattern" in node:
            patterns.add(node["pattern"])
        for branch in node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", []):
            visit(branch, path, seen)
        for name, prop in node.get("properties", {}).items():
            fields.add((*path, name))
            visit(prop, (*path, name), seen)
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                visit(node[key], path, seen)

    for operations in document["paths"].values():
        for operation in operations.values():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                visit(content["schema"], (), frozenset())
            for parameter in operation.get("parameters", []):
                fields.add((parameter["name"],))
                visit(parameter["schema"], (parameter["name"],), frozenset())
    return fields, patterns


def service_documents() -> dict[str, FastAPI]:
    from services.intake.app import create_app as intake
    from services.notify.app import create_app as notify
    from services.outreach.app import create_app as outreach
    from services.router.app import create_app as router
    from services.scoring.app import create_app as scoring
    from services.sla.app import create_app as sla

    return {app.title: app for app in (intake(), router(), sla(), scoring(), notify(), outreach())}


def bodies_read_by_hand() -> dict[str, Any]:
    """Bodies an endpoint validates itself (a union, a batch of either, a form or JSON), so its
    OpenAPI document may not spell their fields out."""
    from services.intake.calls import CallbackAttempt, CtiEvent
    from services.intake.followups import FOLLOWUP
    from services.intake.sources import Call96568, GridActivity, GridReport, Order12345

    models = (Order12345, Call96568, GridReport, GridActivity, CtiEvent, CallbackAttempt)
    schemas = [m.model_json_schema(by_alias=True) for m in models]
    schemas.append(FOLLOWUP.json_schema(by_alias=True))
    return {
        "paths": {
            f"/{i}": {"post": {"requestBody": {"content": {"json": {"schema": s}}}}}
            for i, s in enumerate(schemas)
        },
        "components": {"schemas": {k: v for s in schemas for k, v in s.get("$defs", {}).items()}},
    }


def test_every_field_a_request_can_carry_has_a_chinese_name() -> None:
    from shared.http import service_of

    unnamed: list[str] = []
    unexplained: set[str] = set()
    documents = [(service_of(app), app.openapi()) for app in service_documents().values()]
    for service, document in [*documents, ("intake", bodies_read_by_hand())]:
        fields, patterns = request_fields(_local_refs(document))
        unnamed += [
            f"{service}: {'.'.join(f)}" for f in sorted(fields) if field_label(f, service) is None
        ]
        unexplained |= {
            p
            for p in patterns
            if p not in PATTERNS and not re.fullmatch(r"\^\(([^()\\\[\]{}*+?.^$]*)\)\$", p)
        }
    assert unnamed == [], "fields without a Chinese name in shared/field_labels.py:\n" + "\n".join(
        unnamed
    )
    assert unexplained == set(), "patterns without a description in PATTERNS"


def _local_refs(document: dict[str, Any]) -> dict[str, Any]:
    """``#/$defs/X`` as ``#/components/schemas/X``, so one walk reads both kinds of schema."""
    import json

    text = json.dumps(document).replace('"#/$defs/', '"#/components/schemas/')
    return dict(json.loads(text))
