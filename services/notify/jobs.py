"""The delivery job: takes due messages, sends them, records each outcome.

It is notify's table spoken through ``shared/outbound.py``: a message is claimed (state
``sending``, a lease) in one transaction, sent with no transaction open, and its outcome
recorded in another. A process killed between the two leaves the claim; when the lease runs out
the message is sent again. That is the bound: **at most one extra message per delivery** (per
event, person and channel) for each crash between sending and recording, and none lost. WeCom's
``enable_duplicate_check`` makes even that one extra rare on the real service.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from services.notify import metrics
from services.notify.channels import Channel, Outgoing
from services.notify.channels.local import LocalReceiver
from services.notify.channels.robot import WeComRobot
from services.notify.channels.sms import AliyunSms
from services.notify.channels.webhook import Webhook
from services.notify.channels.wecom import WeComApp
from services.notify.config import NotifyDeps, NotifySettings
from services.notify.domain.outcome import Outcome, RetryPolicy, after
from services.notify.domain.plan import GROUP_CHANNELS
from services.notify.handlers.deliveries import PRODUCER, failed_event
from services.notify.store import FAILED, SENT, Claim, DeliveryRepository, DeliveryRow
from shared import failpoints
from shared.contracts import Event, MessageRecorded, MessageRecordedPayload
from shared.contracts.envelopes import envelope
from shared.logging import get_logger
from shared.masking import mask_phone
from shared.outbound import Outbound, OutboundSender
from shared.runtime import Background, ServiceRuntime
from shared.unit_of_work import UnitOfWork

log = get_logger(__name__)
BATCH = 20
BACKLOG_SECONDS = 1.0


def build_channels(
    s: NotifySettings, client: httpx.AsyncClient, local: LocalReceiver
) -> dict[str, Channel]:
    """A channel without its credentials is the local receiver (the embedded default)."""
    return {
        "wecom_app": (
            WeComApp(
                client, s.wecom_base_url, s.wecom_corp_id, s.wecom_corp_secret, s.wecom_agent_id
            )
            if s.wecom_corp_id and s.wecom_corp_secret
            else local
        ),
        "wecom_robot": WeComRobot(client, s.wecom_robot_url) if s.wecom_robot_url else local,
        "sms": (
            AliyunSms(
                client,
                s.sms_base_url,
                s.sms_access_key_id,
                s.sms_access_key_secret,
                s.sms_sign_name,
            )
            if s.sms_access_key_id and s.sms_access_key_secret
            else local
        ),
        "webhook": Webhook(client, s.webhook_url) if s.webhook_url else local,
    }


def deliverer(
    deps: NotifyDeps, client: httpx.AsyncClient
) -> Callable[[ServiceRuntime], Background]:
    """The delivery loop on a runtime: the channels send through ``client`` (closed by the app
    once the runtime has stopped); without credentials, into the local receiver's table."""

    def make(runtime: ServiceRuntime) -> Background:
        local = LocalReceiver(runtime.db, runtime.clock)
        return Deliverer(runtime, deps, build_channels(deps.settings, client, local)).run

    return make


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    attempts: int
    message: Outgoing


def outgoing(row: Claim, deps: NotifyDeps) -> Outgoing:
    return Outgoing(
        key=row.key,
        channel=row.channel,
        notice=row.notice,
        person_id=row.person_id,
        person_name=row.person_name,
        target=row.target,
        title=row.title,
        text=row.text,
        link=row.link,
        order_id=row.order_id,
        sms_template=deps.rules.sms_templates.get(row.notice, ""),  # type: ignore[call-overload]
        sms_params=json.loads(row.sms_params or "{}"),
    )


def recorded_event(message: Outgoing, now: datetime) -> MessageRecorded:
    """A sent message, as the log may carry it: whose, which order, which kind; no text."""
    return envelope(
        MessageRecorded,
        message.person_id,
        MessageRecordedPayload(
            delivery_key=message.key,
            order_id=message.order_id,
            notice=message.notice,
            channel=message.channel,
        ),
        now,
        PRODUCER,
    )


class Deliverer:
    def __init__(
        self, runtime: ServiceRuntime, deps: NotifyDeps, channels: dict[str, Channel]
    ) -> None:
        s = deps.settings
        self._runtime = runtime
        self._deps = deps
        self._channels = channels
        self._policy = RetryPolicy(s.delivery_attempts, s.retry_base_seconds, s.retry_max_seconds)
        self._lease = timedelta(seconds=s.delivery_lease_seconds)
        self._count_at = 0.0
        self._sender = OutboundSender(
            "deliveries",
            runtime.units,
            Outbound(claim=self._claim, send=self._send, record=self._record),
            s.delivery_poll_seconds,
            BATCH,
        )

    async def run(self) -> None:
        await self._sender.run()

    async def once(self) -> int:
        return await self._sender.once()

    async def _claim(self, uow: UnitOfWork, batch: int) -> list[Claimed]:
        session, now = uow.session, uow.now
        repo = DeliveryRepository(session)
        rows = await repo.claim_due(now, batch, now + self._lease, self._runtime.db.is_postgres)
        claimed = [Claimed(row.id, row.attempts, outgoing(row, self._deps)) for row in rows]
        # The gauge once a second, not every round: under a backlog the count walks all of it.
        if time.monotonic() >= self._count_at:
            self._count_at = time.monotonic() + BACKLOG_SECONDS
            metrics.BACKLOG.set(await repo.backlog())
        return claimed

    async def _send(self, c: Claimed) -> Outcome:
        outcome = await self._channels[c.message.channel].send(c.message)
        failpoints.hit("notify.deliver.after_send")
        return outcome

    async def _record(self, uow: UnitOfWork, c: Claimed, outcome: Outcome) -> None:
        now = uow.now
        repo = DeliveryRepository(uow.session)
        step = after(outcome, c.attempts, self._policy, now)
        at = now if step.state == SENT else step.at
        if not await repo.record(
            c.delivery_id, c.attempts, step.state, outcome.detail, at, outcome.provider_ref
        ):
            return  # a newer claim owns it (our lease ran out)
        if step.state == SENT:
            # The person's open 消息 page reads its list on this (issue 19): announced with the
            # outcome, so once per message (a retry is not one) and never before its record.
            uow.emit([recorded_event(c.message, now)])
        if step.state == FAILED:
            row = await repo.get(c.delivery_id)
            assert row is not None  # just written in this transaction
            uow.emit(await self._failed(repo, row, now))
        label = {"sent": "sent", "pending": "retry", "failed": "failed"}[step.state]
        metrics.MESSAGES.labels(c.message.channel, label).inc()
        log.info(
            "message_" + label,
            channel=c.message.channel,
            person=c.message.person_id,
            order_id=c.message.order_id,
            attempt=c.attempts,
            detail=mask_phone(outcome.detail),
        )

    async def _failed(
        self, repo: DeliveryRepository, row: DeliveryRow, now: datetime
    ) -> list[Event]:
        if row.order_id is None or row.channel in GROUP_CHANNELS:
            return []  # an alert, or a group's channel: no person was found unreachable
        if await repo.others_alive(row):
            return []
        metrics.UNREACHABLE.labels(row.notice).inc()
        return [
            failed_event(
                row.order_id,
                row.person_id,
                row.person_name,
                row.channel,
                row.last_error,
                row.attempts,
                row.notice,
                row.assignment_id,
                row.cause_event_id,
                now,
            )
        ]
