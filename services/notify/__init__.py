"""Notify: tells people of what the log says (dispatch, escalation, SLA cards, major events,
alerts) over WeCom, SMS, webhooks or the built-in local receiver."""

EXTRA_MODULES = {
    "channels": "the providers a message goes out through (WeCom app and robot, SMS, webhook, "
    "the local receiver), each speaking its documented protocol",
}
