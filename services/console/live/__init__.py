"""Live pages: the console's own reader of the order and activity topics, the in-process hub it
feeds, and nothing else (the server-sent events route is in ``api/live.py``)."""
