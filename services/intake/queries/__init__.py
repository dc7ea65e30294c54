"""Intake's read side: functions over a session (run inside ``runtime.db.snapshot()`` or a
read transaction) that return the HTTP answers of ``schemas``.

- ``orders``: an order and its timeline (who may read it, whose phone is shown), pending replies;
- ``incidents``: an incident's members and the incident page;
- ``outages``: planned outages; ``care``: the care register as heads read it;
- ``search``: orders by phone, address, 12345 number or id;
- ``followups``: the 12345 follow-ups about no order we know;
- ``reports``: orders per month by category, community and grid (月报).
"""
