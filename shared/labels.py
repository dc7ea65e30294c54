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
    "replied": "已答复",
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
# The posts of the duty chain an order is dispatched along.
CHAIN_POSITIONS = {
    "A": "A岗",
    "B": "B岗",
    "TEAM_DUTY": "班组值班",
    "DEPT_DUTY": "部门值班",
    "HEAD": "部门负责人",
    "TRIAGE": "客服分拣",
}
CLOCK_STATES = {"open": "计时中", "fired": "已超时", "closed": "已完成"}
# Each event on an order's timeline, as the console's order page heads its line.
EVENT_TYPES = {
    "OrderReceived": "受理",
    "DuplicateLinked": "关联重复工单",
    "OrderLinked": "并入事件",
    "OrderSplit": "拆出单办",
    "OrderDispatched": "派单",
    "OrderAcknowledged": "签收",
    "AppointmentSet": "预约",
    "ProgressNoted": "进展",
    "OrderReturned": "退单",
    "ReturnRequested": "退单申请（待 12345 平台审批）",
    "ReturnRefused": "退单未获批准",
    "ExtensionRequested": "申请延期",
    "ExtensionGranted": "延期批准",
    "ExtensionRefused": "延期驳回",
    "OrderResolved": "办结",
    "ReplySent": "已答复",
    "OrderReopened": "重新打开",
    "OrderUrged": "催办",
    "OrderSupervised": "督办",
    "OrderWithdrawn": "撤单",
    "PlatformDecided": "平台答复",
    "AnswerPromised": "约定答复",
    "CallbackRecorded": "回访",
    "NotificationFailed": "通知失败",
    "AckOverdue": "签收超时",
    "SlaWarning": "黄牌预警",
    "SlaBreached": "红牌超时",
    "ResolveDeadlineSet": "时限",
    "AppointmentMissed": "预约未履约",
    "MajorEventRaised": "重大事项",
    "ComplaintVerified": "投诉核实",
}


def label(table: dict[str, str], code: str | None) -> str:
    """The code's Chinese name; an unknown code as it is (better shown than hidden)."""
    return table.get(code or "", code or "")
