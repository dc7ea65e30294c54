"""What the tests share: the real broker, real databases, services run in-process."""
