"""派单 router: who is responsible for an order right now, and its life in that department.

Built as every service is (``app``, ``config``, ``domain/``, ``handlers``, ``store``,
``queries``, ``schemas``, ``api/``, ``jobs``, ``metrics``), and one read beyond the set.
"""

EXTRA_MODULES: dict[str, str] = {
    "duty": "the duty room's read: escalated orders, their holders and steps (GET /v1/duty/orders)",
}
