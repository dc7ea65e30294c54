"""The ``gridline`` command: start the embedded system, serve one service, issue tokens."""
