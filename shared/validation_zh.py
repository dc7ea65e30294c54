"""Pydantic's validation errors said in Chinese, as the people reading a refused form or body
need them: the field by its Chinese name and what it expects (``诉求内容：最多 4000 字``), from
the error's type and its ``ctx`` (issue 21). Pure: ``shared.http`` puts the result in the one
error shape, with the machine-readable ``field`` unchanged."""

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from shared.field_labels import CHOICES, PATTERNS, field_label

WRAPPERS = frozenset({"body", "query", "path", "header", "cookie"})
DATETIME_EXAMPLE = "如 2026-03-05T09:30:00+08:00"

# A validator's own English words, for models also read from config files (where ops read
# English); a message already in Chinese is shown as it is.
VALIDATOR_MESSAGES = {
    "year must be between 2000 and 2100": "年份应在 2000 至 2100 之间",
    "text must not contain NUL characters": "不能含 NUL 字符",
    "text is not valid Unicode": "含无效字符（不是有效的 Unicode）",
    "give a phone, or a community and building, to recognise orders by": (
        "请填写电话号码，或小区和楼号，用于识别工单"
    ),
    "leave ends before it starts": "结束日期早于开始日期",
    "override times need a timezone, e.g. 2026-12-05T08:00:00+08:00": (
        "时间须带时区，如 2026-12-05T08:00:00+08:00"
    ),
    "override ends before it starts": "结束时间须晚于开始时间",
}

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CHOICES = re.compile(r"^\^\(([^()\\\[\]{}*+?.^$]*)\)\$$")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def chinese_list(items: Sequence[str], last: str = "或") -> str:
    """a、b 或 c."""
    if len(items) < 2:
        return "".join(items)
    return f"{'、'.join(items[:-1])} {last} {items[-1]}"


def _choices(codes: Sequence[str], field: str) -> str:
    names = CHOICES.get(field, {})
    shown = [f"{c}（{names[c]}）" if c in names else (c or "空") for c in codes]
    return f"应为 {chinese_list(shown)}" + (" 之一" if len(codes) > 2 else "")


def _quoted(expected: Any) -> list[str]:
    """pydantic's ``"'a', 'b' or 'c'"`` as ``[a, b, c]``."""
    found = _QUOTED.findall(str(expected))
    return found or [str(expected)]


def _pattern(ctx: Mapping[str, Any], field: str) -> str:
    pattern = str(ctx.get("pattern", ""))
    if pattern in PATTERNS:
        return PATTERNS[pattern]
    plain = _CHOICES.match(pattern)
    if plain:
        return _choices(plain.group(1).split("|"), field)
    return f"格式不对（应符合 {pattern}）"


def _validator(ctx: Mapping[str, Any], msg: str) -> str:
    text = str(ctx.get("error", "")) or msg.removeprefix("Value error, ")
    if _CJK.search(text):
        return text
    return VALIDATOR_MESSAGES.get(text, f"取值无效（{text}）")


def _text_min(ctx: Mapping[str, Any]) -> str:
    n = int(ctx.get("min_length", 1))
    return "不能为空" if n <= 1 else f"至少 {n} 个字"


def _items_min(ctx: Mapping[str, Any]) -> str:
    n = int(ctx.get("min_length", 1))
    return "至少填一项" if n <= 1 else f"至少 {n} 项"


Phrase = Callable[[Mapping[str, Any], str, str], str]
_TIME = "应为日期时间，" + DATETIME_EXAMPLE
_DATE = "应为日期，如 2026-03-05"
_OBJECT = "应为 JSON 对象（{…}）"

# Each pydantic error type as a phrase: (ctx, the field's own name, pydantic's message) → Chinese.
PHRASES: dict[str, Phrase] = {
    "missing": lambda c, f, m: "必填",
    "extra_forbidden": lambda c, f, m: "不认识的字段，请删去",
    "string_type": lambda c, f, m: "应为文字",
    "string_too_short": lambda c, f, m: _text_min(c),
    "string_too_long": lambda c, f, m: f"最多 {c.get('max_length')} 字",
    "string_pattern_mismatch": lambda c, f, m: _pattern(c, f),
    "string_unicode": lambda c, f, m: "含无效字符（不是有效的 UTF-8）",
    "too_short": lambda c, f, m: _items_min(c),
    "too_long": lambda c, f, m: f"最多 {c.get('max_length')} 项",
    "int_type": lambda c, f, m: "应为整数",
    "int_parsing": lambda c, f, m: "应为整数",
    "int_from_float": lambda c, f, m: "应为整数，不能有小数",
    "float_type": lambda c, f, m: "应为数字",
    "float_parsing": lambda c, f, m: "应为数字",
    "finite_number": lambda c, f, m: "应为有限的数字",
    "bool_type": lambda c, f, m: "应为 true（是）或 false（否）",
    "bool_parsing": lambda c, f, m: "应为 true（是）或 false（否）",
    "datetime_type": lambda c, f, m: _TIME,
    "datetime_parsing": lambda c, f, m: _TIME,
    "datetime_from_date_parsing": lambda c, f, m: _TIME,
    "datetime_object_invalid": lambda c, f, m: _TIME,
    "timezone_aware": lambda c, f, m: "须带时区，" + DATETIME_EXAMPLE + "（北京时间）",
    "timezone_naive": lambda c, f, m: "不应带时区",
    "datetime_past": lambda c, f, m: "应为已过去的时间",
    "datetime_future": lambda c, f, m: "应为将来的时间",
    "date_type": lambda c, f, m: _DATE,
    "date_parsing": lambda c, f, m: _DATE,
    "date_from_datetime_parsing": lambda c, f, m: _DATE,
    "date_from_datetime_inexact": lambda c, f, m: "应为日期，不含时刻",
    "date_past": lambda c, f, m: "应为已过去的日期",
    "date_future": lambda c, f, m: "应为将来的日期",
    "time_type": lambda c, f, m: "应为时刻，如 09:30",
    "time_parsing": lambda c, f, m: "应为时刻，如 09:30",
    "greater_than": lambda c, f, m: f"应大于 {c.get('gt')}",
    "greater_than_equal": lambda c, f, m: f"不能小于 {c.get('ge')}",
    "less_than": lambda c, f, m: f"应小于 {c.get('lt')}",
    "less_than_equal": lambda c, f, m: f"不能大于 {c.get('le')}",
    "multiple_of": lambda c, f, m: f"应为 {c.get('multiple_of')} 的整数倍",
    "literal_error": lambda c, f, m: _choices(_quoted(c.get("expected", "")), f),
    "enum": lambda c, f, m: _choices(_quoted(c.get("expected", "")), f),
    "json_invalid": lambda c, f, m: f"不是有效的 JSON（{c.get('error', '')}）",
    "json_type": lambda c, f, m: "应为 JSON 文本",
    "value_error": lambda c, f, m: _validator(c, m),
    "assertion_error": lambda c, f, m: _validator(c, m),
    "model_type": lambda c, f, m: _OBJECT,
    "model_attributes_type": lambda c, f, m: _OBJECT,
    "dict_type": lambda c, f, m: _OBJECT,
    "list_type": lambda c, f, m: "应为列表（[…]）",
    "none_required": lambda c, f, m: "应为空",
    "url_type": lambda c, f, m: "应为网址",
    "url_parsing": lambda c, f, m: "应为网址，如 https://…",
    "union_tag_invalid": lambda c, f, m: _choices(_quoted(c.get("expected_tags", "")), f),
    "union_tag_not_found": lambda c, f, m: "必填",
}


def _names(loc: Sequence[Any]) -> tuple[list[str], int | None]:
    """The field's names without list positions, and the first position (a batch's item)."""
    names: list[str] = []
    position: int | None = None
    for part in loc:
        if isinstance(part, int):
            position = part if position is None else position
        elif str(part) not in WRAPPERS or names:
            names.append(str(part))
    return names, position


def reason(error: Mapping[str, Any]) -> str:
    """What the field expects, without its name: ``最多 2000 字``."""
    names, _ = _names(error.get("loc", ()))
    if error.get("type", "").startswith("union_tag"):
        names = [str(error.get("ctx", {}).get("discriminator", "")).strip("'")]
    field = names[-1] if names else ""
    phrase = PHRASES.get(str(error.get("type", "")))
    msg = str(error.get("msg", ""))
    if phrase is None:
        return f"取值无效（{msg}）"
    return phrase(error.get("ctx") or {}, field, msg)


def label(error: Mapping[str, Any], service: str = "") -> str:
    """The field's Chinese name, with the batch item it is in (第 3 条) when there is one."""
    names, position = _names(error.get("loc", ()))
    if error.get("type", "").startswith("union_tag"):
        names = [*names, str(error.get("ctx", {}).get("discriminator", "")).strip("'")]
    name = (field_label(names, service) or names[-1]) if names else "请求内容"
    return name if position is None else f"第 {position + 1} 条 {name}"


def explain(error: Mapping[str, Any], service: str = "") -> str:
    """``来电号码：手机号应为 11 位数字…``: the field and what it expects."""
    return f"{label(error, service)}：{reason(error)}"
