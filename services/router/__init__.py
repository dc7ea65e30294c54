"""派单 router: who is responsible for an order right now, and its life in that department.

Built as every service is (``app``, ``config``, ``domain/``, ``handlers``, ``store``,
``queries``, ``schemas``, ``api/``, ``jobs``, ``metrics``), and two reads beyond the set.
"""

EXTRA_MODULES: dict[str, str] = {
    "duty": "the duty room's read: escalated orders, their holders and steps (GET /v1/duty/orders)",
    "inbox": "a department's inbox, chased orders first, with its models (GET /v1/inbox)",
}
