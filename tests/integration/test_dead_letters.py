"""Dead letters on the real broker: no phone number in them, the exact bytes sent back on replay,
and a record that is not a letter does not stop `gridline dlq list`."""

import asyncio

import pytest
from typer.testing import CliRunner

from gridline.broker import EmbeddedBroker
from gridline.commands import dlq
from shared.contracts import PoisonMessage
from shared.masking import unmasked_phones
from shared.topics import Topics, ensure_topics
from tests.support.kafka import consumer_on, produce, read_all
from tests.support.polling import eventually

pytestmark = pytest.mark.integration

NOT_UTF8 = b"\xff\xfe\x00order \x80\x81 needs-fix"
WITH_PHONE = "来电 +86 139 0635 1234，户号010213806350301".encode()


async def test_letters_are_masked_replayed_byte_for_byte_and_junk_is_listed_not_fatal(
    kafka: EmbeddedBroker,
) -> None:
    topics = Topics.named("letters")
    await ensure_topics(kafka.bootstrap, topics.specs(1))
    fixed = False
    effects: list[bytes] = []

    async def handle(raw: bytes) -> None:
        if not fixed:
            raise PoisonMessage(f"cannot read {raw.decode('utf-8', 'replace')}")
        effects.append(raw)

    broker = consumer_on(
        kafka.bootstrap, topics, "letters-test", handle, attempts=2, wait_max_seconds=0.05
    )
    await broker.start()
    try:
        await produce(kafka.bootstrap, topics.dlq, b"\x00 not a letter {", key=None)
        await produce(kafka.bootstrap, topics.orders, NOT_UTF8, key=b"GL-1")
        await produce(kafka.bootstrap, topics.orders, WITH_PHONE, key=b"GL-2")

        async def dead_lettered() -> list[bytes]:
            letters = await read_all(kafka.bootstrap, topics.dlq)
            assert len(letters) == 3
            return letters

        letters = await eventually(dead_lettered)
        for letter in letters:
            assert unmasked_phones(letter.decode("utf-8", "replace")) == []
        assert "139****1234" in letters[2].decode()

        runner = CliRunner()
        args = ["--bootstrap", kafka.bootstrap, "--namespace", "letters"]
        listed = await asyncio.to_thread(runner.invoke, dlq.app, ["list", *args])
        assert listed.exit_code == 0, listed.output
        assert "#0" in listed.output and "unreadable" in listed.output
        assert "letters.gridline.orders[0]@0" in listed.output
        assert unmasked_phones(listed.output) == []

        junk = await asyncio.to_thread(runner.invoke, dlq.app, ["replay", "0", *args])
        assert junk.exit_code == 2

        fixed = True
        replayed = await asyncio.to_thread(runner.invoke, dlq.app, ["replay", "1", *args])
        assert replayed.exit_code == 0, replayed.output

        async def handled() -> None:
            assert effects == [NOT_UTF8]

        await eventually(handled)
    finally:
        await broker.stop()
