"""Sub-commands that belong to one service each (``gridline sla …``, ``gridline scoring …``)."""
