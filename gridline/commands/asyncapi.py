"""``gridline asyncapi``: writes ``docs/asyncapi.json``, the AsyncAPI 3.0 document FastStream
generates from every service's Kafka interface (``services/*/interface.py``)."""

import json
from importlib import import_module
from pathlib import Path
from typing import Annotated, Any

import typer

from gridline.services import SERVICES
from shared.paths import PROJECT_ROOT

DOCUMENT = PROJECT_ROOT / "docs" / "asyncapi.json"
DESCRIPTION = (
    "Gridline 的 Kafka 主题：每个服务消费与发布的事件类型及其载荷，由各服务 "
    "services/*/interface.py 的 FastStream 声明生成（gridline asyncapi）。"
    "gridline.orders 与 gridline.activity 上的每条消息都是一个事件信封，"
    "其 type 字段（亦在消息头 gridline-type）区分事件类型；消费者只处理其处理表所列类型。"
)


def interfaces() -> dict[str, Any]:
    """Each service's declared broker, for the services that have a Kafka interface."""
    found = {}
    for name, spec in SERVICES.items():
        try:
            module = import_module(f"{spec.module}.interface")
        except ModuleNotFoundError as exc:
            if exc.name != f"{spec.module}.interface":
                raise
            continue  # the console neither consumes nor publishes
        found[name] = module.BROKER
    return found


def render() -> str:
    from shared.asyncapi import document  # FastStream is loaded for this command only

    doc = document(*interfaces().values(), description=DESCRIPTION)
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def asyncapi(
    out: Annotated[Path, typer.Option(help="Where to write the document")] = DOCUMENT,
) -> None:
    """Write the AsyncAPI 3.0 document of the Kafka topics (docs/asyncapi.json)."""
    out.write_text(render(), encoding="utf-8")
    typer.echo(f"已写入 {out}")
