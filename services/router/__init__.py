"""派单 router: who is responsible for an order right now, and its life in that department.

Built as every service is (``app``, ``config``, ``domain/``, ``handlers``, ``store``,
``queries``, ``schemas``, ``api/``, ``jobs``, ``metrics``); it needs no modules beyond the set.
"""

EXTRA_MODULES: dict[str, str] = {}
