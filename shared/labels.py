"""The Chinese names of the codes every service shares (an order's state, source and priority, a
clock's kind), for what people read: refusals, error messages, timelines. One table, so a service
does not say 待签收 where another says dispatched (issue 21)."""

ORDER_STATES = {
    "received": "已受理",
    "dispatched": "待签收",
    "acknowledged": "已签收",
    "in_progress": "处理中",
    "returned": "已退单",
    "resolved": "已办结",
    "closed": "已关闭",
    "linked": "已并入事件",
    "withdrawn": "已撤单",
}
SOURCES = {
    "12345": "12345热线",
    "96568": "96568热线",
    "grid": "网格上报",
    "grid_report": "网格上报",
}
PRIORITIES = {"normal": "一般", "urgent": "紧急", "critical": "特急"}
CLOCK_KINDS = {
    "acknowledge": "签收",
    "arrive": "到场",
    "resolve": "办结",
    "reply": "答复",
    "appointment": "预约",
    "promise": "承诺",
    "supervise": "督办答复",
}


def label(table: dict[str, str], code: str | None) -> str:
    """The code's Chinese name; an unknown code as it is (better shown than hidden)."""
    return table.get(code or "", code or "")
