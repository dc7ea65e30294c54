"""The in-process hub between the event reader and the open pages' streams: each stream
subscribes with its channel, and every change goes to the streams whose channel accepts it."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from services.console.domain.live import Change, Channel, accepts

# Said to every stream when changes may have been missed (the reader restarted, a stream's queue
# overflowed): the page reads its fragment again.
RESYNC = Change(type="resync")
CLOSED = Change(type="closed")  # the console is stopping: streams end


@dataclass(eq=False)
class Subscriber:
    channel: Channel
    queue: asyncio.Queue[Change] = field(default_factory=lambda: asyncio.Queue(maxsize=100))

    def offer(self, change: Change) -> None:
        try:
            self.queue.put_nowait(change)
        except asyncio.QueueFull:
            # A stream that fell behind gets one resync instead of the pile: its page reloads
            # its fragment, which shows every change anyway.
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(RESYNC)


class Hub:
    def __init__(self) -> None:
        self._subscribers: set[Subscriber] = set()
        self.ready = asyncio.Event()  # the reader knows where the log ends: nothing is missed

    @property
    def listeners(self) -> int:
        return len(self._subscribers)

    @contextmanager
    def subscribe(self, channel: Channel) -> Iterator[Subscriber]:
        subscriber = Subscriber(channel)
        self._subscribers.add(subscriber)
        try:
            yield subscriber
        finally:
            self._subscribers.discard(subscriber)

    def publish(self, change: Change) -> int:
        """Offers the change to every stream that may see it; how many took it."""
        told = 0
        for subscriber in list(self._subscribers):
            if change in (RESYNC, CLOSED) or accepts(subscriber.channel, change):
                subscriber.offer(change)
                told += 1
        return told

    def close(self) -> None:
        self.ready.clear()
        self.publish(CLOSED)
