"""A generic webhook for anything else: ``POST <url>`` with the message as JSON. 2xx is sent,
5xx and timeouts are tried again, other answers are permanent."""

import httpx

from services.notify.channels import Outgoing, guarded, http_failure
from services.notify.domain.outcome import Outcome

PROVIDER = "Webhook"


class Webhook:
    def __init__(self, client: httpx.AsyncClient, url: str) -> None:
        self._client = client
        self._url = url

    async def send(self, msg: Outgoing) -> Outcome:
        async def call() -> Outcome:
            response = await self._client.post(
                self._url,
                json={
                    "key": msg.key,
                    "notice": msg.notice,
                    "person_id": msg.person_id,
                    "order_id": msg.order_id,
                    "title": msg.title,
                    "text": msg.text,
                    "link": msg.link,
                },
            )
            return http_failure(response, PROVIDER) or Outcome.sent()

        return await guarded(PROVIDER, call)
