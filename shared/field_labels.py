"""The Chinese name of every field a request can carry, and what each unreadable pattern asks
for: a refused body says ``来电号码：手机号应为 11 位数字…``, never ``customer.phone: String should
match pattern…`` (issue 21).

``FIELDS`` is keyed by a field's dotted path without list positions (``customer.phone``) or by its
last names (``phone``): the longest match wins, so ``household.phone`` can differ from ``phone``.
``BY_SERVICE`` holds the few names one service uses for something else (the router's ``unit`` is a
team, intake's an address's 单元). tests/unit/test_validation_zh.py walks every service's request
bodies and parameters and fails on a field without a name here.
"""

from collections.abc import Sequence

from shared.labels import ORDER_STATES, PRIORITIES, SOURCES

FIELDS: dict[str, str] = {
    # --- orders from the hotlines and grid workers (intake) ---
    "orderNo": "12345 工单编号",
    "acceptTime": "受理时间",
    "callerName": "来电人姓名",
    "callerPhone": "来电号码",
    "caller_name": "来电人姓名",
    "caller_phone": "来电号码",
    "address": "地址",
    "address.text": "地址",
    "address.district": "区县",
    "community": "小区",
    "communities": "小区",
    "building": "楼号",
    "unit": "单元",
    "room": "房号",
    "category": "类别",
    "title": "标题",
    "content": "诉求内容",
    "description": "诉求内容",
    "urgency": "紧急程度",
    "deadline": "办结时限",
    "confidential": "是否保密",
    "needReply": "是否需要答复",
    "ticket_id": "96568 工单号",
    "received_at": "受理时间",
    "operator_id": "接线员工号",
    "account_no": "户号",
    "customer": "来电人",
    "customer.name": "来电人姓名",
    "customer.phone": "来电号码",
    "type": "诉求类型",
    "appointment": "预约时间",
    "named_worker_id": "指定网格员",
    "report_id": "上报编号",
    "worker_id": "网格员",
    "worker_ids": "网格员",
    "grid_id": "网格",
    "grid": "网格",
    "kind": "类型",
    "finding": "发现的问题",
    "location": "位置",
    "location.lat": "纬度",
    "location.lon": "经度",
    "location.note": "位置说明",
    "note": "说明",
    "household": "特殊住户",
    "household.name": "住户姓名",
    "household.phone": "住户电话",
    "household.reason": "登记原因",
    "photos": "照片",
    "reported_at": "上报时间",
    "activity_id": "活动编号",
    "channel": "渠道",
    "customer_signed": "用户是否签字",
    "at": "时间",
    "source": "来源",
    "payload": "内容",
    "name": "姓名",
    "phone": "电话号码",
    "reason": "理由",
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    # --- the 12345 platform's follow-ups ---
    "message_id": "消息编号",
    "satisfaction": "满意度",
    "solved": "是否解决",
    "opinion": "回访意见",
    "approved": "是否同意",
    "result": "回访结果",  # our own 回访 of a 96568 or grid order
    # --- the telephone (CTI) and callbacks ---
    "event": "通话事件",
    "from": "主叫号码",
    "to": "被叫号码",
    "direction": "呼叫方向",
    "callId": "呼叫编号",
    "call_id": "呼叫编号",  # the pop-up's GET /v1/calls/{call_id}
    "user": "坐席姓名",
    "queue": "队列",
    "cause": "挂断原因",
    "answeringNumber": "接听坐席",
    "reached": "是否联系上",
    "token": "令牌",
    # --- the router's commands on an order ---
    "appointment_at": "预约上门时间",
    "requested_by": "改约提出方",
    "explanation": "改约说明",
    "arrived_on_site": "是否已到场",
    "caller_told": "是否已告知来电人",
    "target_department": "退回部门",
    "extra_working_days": "延期工作日",
    "approve": "是否批准",
    "verified": "是否已核实",
    "contacted_at": "联系来电人时间",
    "handling_notes": "办理情况",
    "public_reply": "答复内容",
    "primary_order_id": "主工单号",
    "promised_at": "约定答复时间",
    # --- rosters, leave and duty (router) ---
    "people": "人员",
    "person": "值班人",
    "person_id": "人员",
    "leave": "请假",
    "leave.from": "请假开始",
    "leave.to": "请假结束",
    "leave.reason": "请假事由",
    "stand_in": "代理人",
    "overrides": "临时调整",
    "overrides.from": "调整开始",
    "overrides.to": "调整结束",
    "overrides.available": "是否在岗",
    "overrides.reason": "调整原因",
    "swaps": "换班",
    "swaps.date": "换班日期",
    "swaps.person": "接班人",
    "swaps.reason": "换班原因",
    "immediate": "立即生效",
    "date": "日期",
    # --- scoring ---
    "rule": "考核项",
    "evidence": "佐证材料",
    "month": "月份",
    "quarter": "季度",
    "year": "年份",
    "done_when": "完成标准",
    "entry_id": "考核记录编号",
    "candidate_id": "待确认扣分编号",
    "task_id": "任务编号",
    # --- outreach ---
    "template": "通知模板",
    "emergency": "是否紧急停水",
    "screenshot": "发送截图",
    "group_name": "群名称",
    "members": "群人数",
    "worker_in_group": "网格员是否在群内",
    "manager_name": "物业负责人姓名",
    "held_on": "培训日期",
    "topic": "培训主题",
    "trainer": "培训人",
    "attendees": "参训人员",
    "campaign_id": "通知编号",
    # --- notify (Alertmanager's webhook) ---
    "alerts": "告警",
    "alerts.annotations": "告警说明",
    "alerts.fingerprint": "告警指纹",
    "alerts.labels": "告警标签",
    "alerts.startsAt": "告警开始时间",
    "alerts.status": "告警状态",
    "commonLabels": "公共标签",
    "receiver": "接收方",
    "status": "状态",
    "version": "版本",
    # --- ids in paths, filters and paging in queries ---
    "order_id": "工单号",
    "order_no": "12345 工单编号",
    "incident_id": "事件编号",
    "callback_id": "回拨任务编号",
    "ids": "编号",
    "department": "部门",
    "assignee": "承办人",
    "state": "状态",
    "priority": "紧急程度",
    "subject": "对象",
    "major": "是否重大事项",
    "extension_pending": "是否待批延期",
    "days": "天数",
    "months": "月数",
    "within_hours": "时间范围（小时）",
    "open_only": "只看未办结",
    "include_retired": "含已停用",
    "q": "查询内容",
    "limit": "每页条数",
    "offset": "起始位置",
    "body": "请求内容",
}

BY_SERVICE: dict[str, dict[str, str]] = {
    "router": {
        "unit": "班组",
        "people": "轮值人员",
        "at": "查询时间",
        "from": "开始时间",
        "to": "结束时间",
    },
    "scoring": {"reason": "事由", "note": "备注", "title": "任务名称", "deadline": "完成时限"},
    "outreach": {"reason": "停水原因", "deadline": "发送时限", "note": "备注", "kind": "登记类型"},
}

# What a pattern asks for, as a person says it; a pattern of plain choices (``^(a|b)$``) needs
# no entry, its choices are listed.
PHONE_PATTERN = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$"
PATTERNS: dict[str, str] = {
    PHONE_PATTERN: "手机号应为 11 位数字（1 开头），固定电话如 0635-8212345 或 8212345",
    r"^\d{4,20}$": "应为 4 至 20 位数字",
    r"^(anonymous|unknown|\+?[0-9][0-9 \-()]{0,30})$": (
        "应为电话号码（数字，可带 +、空格、- 或括号），或 anonymous、unknown"
    ),
    r"^[^\x00]+$": "不能为空，也不能含 NUL 字符",
    r"^\d{4}-(0[1-9]|1[0-2])$": "应为年月，如 2026-03",
    r"^(20\d\d|2[1-9]\d\d)-(0[1-9]|1[0-2])$": "应为 2000 年以后的年月，如 2026-03",
}

# The Chinese names of a field's choices, shown beside the codes a caller must send.
CHOICES: dict[str, dict[str, str]] = {
    "state": ORDER_STATES,
    "priority": PRIORITIES,
    "source": SOURCES,
    "requested_by": {"caller": "来电人", "utility": "供水方"},
    "direction": {"in": "呼入", "out": "呼出"},
    "event": {"newCall": "来电振铃", "answer": "接听", "hangup": "挂断"},
}


def field_label(names: Sequence[str], service: str = "") -> str | None:
    """The Chinese name of the field at ``names`` (a path without list positions), or ``None``.

    The longest known piece of the path names it; the names after that piece are kept as they
    are (a key inside a free map such as an alert's labels). Names before it are wrappers: a
    union's branch, a batch's envelope."""
    own = BY_SERVICE.get(service, {})
    for end in range(len(names), 0, -1):
        for start in range(end):
            key = ".".join(names[start:end])
            found = own.get(key) or FIELDS.get(key)
            if found is not None:
                rest = " ".join(names[end:])
                return f"{found} {rest}" if rest else found
    return None
