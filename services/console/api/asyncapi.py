"""事件接口: docs/asyncapi.json as a page any signed-in user can read offline — the topics, who
receives and sends what on each, and every message's fields. Rendered here, from the committed
document (``gridline asyncapi`` writes it), with no script and nothing from a CDN."""

import json
from html import escape
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from services.console.api.web import CurrentUser
from shared.paths import PROJECT_ROOT

router = APIRouter()
DOCUMENT = PROJECT_ROOT / "docs" / "asyncapi.json"
ACTIONS = {"receive": "接收", "send": "发送"}
STYLE = (
    "body{font-family:sans-serif;margin:2em;max-width:70em}"
    "table{border-collapse:collapse;margin:.5em 0 1.5em}"
    "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
    "code{background:#f4f4f4}"
)


@router.get("/asyncapi", include_in_schema=False)
async def asyncapi_page(user: CurrentUser) -> HTMLResponse:
    try:
        doc = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return HTMLResponse(_page("<p>尚无 docs/asyncapi.json：请运行 gridline asyncapi。</p>"))
    body = (
        f"<p>{escape(doc['info'].get('description', ''))}</p>"
        f"<p>AsyncAPI {escape(doc['asyncapi'])}：<code>docs/asyncapi.json</code></p>"
        + _topics(doc)
        + _schemas(doc)
    )
    return HTMLResponse(_page(body))


def _page(body: str) -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>事件接口（AsyncAPI）</title><style>{STYLE}</style></head><body>"
        f'<p><a href="/">返回</a></p><h1>事件接口（AsyncAPI）</h1>{body}</body></html>'
    )


def _last(reference: dict[str, Any]) -> str:
    return str(reference["$ref"]).rsplit("/", 1)[1]


def _messages(doc: dict[str, Any], channel: dict[str, Any]) -> str:
    """The message types of a channel, each a link to its fields below."""
    names: list[str] = []
    for message in channel["messages"].values():
        payload = doc["components"]["messages"][_last(message)]["payload"]
        schema = doc["components"]["schemas"].get(_last(payload), {}) if "$ref" in payload else {}
        members = schema.get("anyOf") or [payload]
        names.extend(_last(member) for member in members if "$ref" in member)
    return " ".join(f'<a href="#{escape(n)}">{escape(n)}</a>' for n in names)


def _topics(doc: dict[str, Any]) -> str:
    by_topic: dict[str, list[str]] = {}
    for name, operation in doc["operations"].items():
        channel = doc["channels"][_last(operation["channel"])]
        by_topic.setdefault(channel["address"], []).append(
            f"<tr><td>{escape(name)}</td><td>{ACTIONS.get(operation['action'], '')}</td>"
            f"<td>{escape(channel.get('description', ''))}</td>"
            f"<td>{_messages(doc, channel)}</td></tr>"
        )
    parts = ["<h2>主题</h2>"]
    for topic, rows in sorted(by_topic.items()):
        parts.append(
            f"<h3><code>{escape(topic)}</code></h3><table>"
            "<tr><th>操作</th><th>收/发</th><th>说明</th><th>消息类型</th></tr>"
            + "".join(rows)
            + "</table>"
        )
    return "".join(parts)


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = escape(_last(schema))
        return f'<a href="#{name}">{name}</a>'
    if "anyOf" in schema:
        return " | ".join(_type(member) for member in schema["anyOf"])
    if "const" in schema:
        return f"<code>{escape(json.dumps(schema['const'], ensure_ascii=False))}</code>"
    if "enum" in schema:
        return " | ".join(
            f"<code>{escape(json.dumps(v, ensure_ascii=False))}</code>" for v in schema["enum"]
        )
    if schema.get("type") == "array":
        return f"list[{_type(schema.get('items', {}))}]"
    text = str(schema.get("type", "any"))
    return escape(f"{text} ({schema['format']})" if "format" in schema else text)


def _schemas(doc: dict[str, Any]) -> str:
    parts = ["<h2>消息与载荷</h2>"]
    for name, schema in doc["components"]["schemas"].items():
        if ":" in name:
            continue  # FastStream's per-channel unions: their members are listed on their own
        required = set(schema.get("required", []))
        rows = "".join(
            f"<tr><td><code>{escape(field)}</code></td><td>{_type(spec)}</td>"
            f"<td>{'是' if field in required else ''}</td>"
            f"<td>{escape(spec.get('description', ''))}</td></tr>"
            for field, spec in schema.get("properties", {}).items()
        )
        parts.append(
            f'<h3 id="{escape(name)}">{escape(name)}</h3>'
            f"<p>{escape(schema.get('description', ''))}</p>"
            "<table><tr><th>字段</th><th>类型</th><th>必填</th><th>说明</th></tr>"
            f"{rows}</table>"
        )
    return "".join(parts)
