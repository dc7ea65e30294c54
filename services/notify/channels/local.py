"""The built-in local receiver: in the embedded default (no corp, no SMS account set) every
message is recorded here instead of being sent, and shown by ``GET /v1/messages`` (the console's
“消息” page), so a newcomer sees what would have gone out."""

from services.notify.channels import Outgoing
from services.notify.domain.outcome import Outcome
from services.notify.store import LocalMessageRow
from shared.clock import Clock
from shared.db import Database
from shared.masking import mask_phone


class LocalReceiver:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def send(self, msg: Outgoing) -> Outcome:
        async with self._db.transaction() as session:
            row = LocalMessageRow(
                delivery_key=msg.key,
                channel=msg.channel,
                person_id=msg.person_id,
                person_name=msg.person_name,
                target=mask_phone(msg.target),
                notice=msg.notice,
                order_id=msg.order_id,
                title=msg.title,
                text=msg.text,
                link=msg.link,
                received_at=self._clock.now(),
            )
            session.add(row)
            await session.flush()
            ref = f"local-{row.id}"
        return Outcome.sent(ref)
