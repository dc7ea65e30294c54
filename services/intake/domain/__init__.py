"""Intake's rules, pure (no database, no HTTP, no broker):

- ``normalize``: a source's order into one canonical order (address parsing, urgency);
- ``taxonomy``: the category taxonomy and each source's words for it;
- ``grids``: address to grid; ``people``: the grid worker a complaint or praise names;
- ``care``: the vulnerable-household register's effect on an order;
- ``phones``: one phone number however a source writes it;
- ``incidents``: clustering decisions and when an incident is a major event;
- ``outages``: a planned outage's window, area and order;
- ``replies``: what a reply to 12345 / 96568 says and when to try again;
- ``timeline``: one line of Chinese per event; ``access``: who may see a caller and a timeline.
"""
