"""Intake: 12345, 96568 and grid reports in, one canonical order and one timeline out.

The common file set (``app``, ``config``, ``domain/``, ``handlers/``, ``store/``, ``queries/``,
``schemas``, ``api/``, ``jobs``, ``metrics``) plus the extras named here.

The 12345 / 96568 reply path: ``handlers/replies.py`` queues a resolved order's reply,
``jobs.py`` sends it (and writes ``ReplySent``), ``domain/replies.py`` says what it says.
"""

EXTRA_MODULES = {
    "sources": "the three sources' own formats (12345, 96568, grid reports and activity) and "
    "the gridline.intake.raw envelope, validated exactly as they arrive",
    "canonical": "each source's format mapped to the one canonical order (or activity event) "
    "with the domain's rules",
    "followups": "the 12345 platform's follow-ups on its orders (催办, 督办, 回访, 重办, 撤单, "
    "its decisions), validated exactly as they arrive",
    "calls": "Zammad's generic CTI events as a PBX posts them (newCall, answer, hangup), and "
    "the HTTP models of the call log and the 回拨 tasks",
    "own_followups": "the HTTP models of our own 回访 of 96568 and grid orders and an "
    "operator's 催办",
}
