"""``gridline dlq …``: read the dead-letter topic and send a letter back once its cause is fixed.

Nothing accepted is lost: a message the services could not handle waits here with its reason,
source topic, partition and offset, until an operator replays it.
"""

import asyncio
from typing import Annotated, Any

import typer
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.deadletters import original_bytes, read_letter
from shared.topics import Topics

app = typer.Typer(
    help="死信 dead letters: list them, replay one after its cause is fixed.", no_args_is_help=True
)

Bootstrap = Annotated[str, typer.Option(envvar="GRIDLINE_KAFKA_BOOTSTRAP")]
Namespace = Annotated[str, typer.Option(envvar="GRIDLINE_TOPIC_NAMESPACE")]


async def read_letters(bootstrap: str, topic: str) -> list[tuple[int, dict[str, Any]]]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        end = (await consumer.end_offsets([tp]))[tp]
        letters: list[tuple[int, dict[str, Any]]] = []
        while await consumer.position(tp) < end:
            for record in (await consumer.getmany(tp, timeout_ms=1000)).get(tp, []):
                letters.append((record.offset, read_letter(record.value)))
        return letters
    finally:
        await consumer.stop()


async def replay_letter(bootstrap: str, letter: dict[str, Any]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        key = letter["key"].encode() if letter.get("key") else None
        await producer.send_and_wait(letter["source_topic"], original_bytes(letter), key=key)
    finally:
        await producer.stop()


@app.command("list")
def list_letters(bootstrap: Bootstrap = "127.0.0.1:19092", namespace: Namespace = "") -> None:
    """Every dead letter: its number, where it came from, why it failed."""
    letters = asyncio.run(read_letters(bootstrap, Topics.named(namespace).dlq))
    if not letters:
        typer.echo("no dead letters 没有死信")
        return
    for offset, letter in letters:
        typer.echo(
            f"#{offset}  {letter['failed_at']}  {letter['source_topic']}"
            f"[{letter['partition']}]@{letter['offset']}  {letter['consumer']}\n"
            f"    {letter['reason']}"
        )


@app.command()
def replay(
    number: Annotated[int, typer.Argument(help="The letter's # from `gridline dlq list`")],
    bootstrap: Bootstrap = "127.0.0.1:19092",
    namespace: Namespace = "",
) -> None:
    """Send one letter's message back to the topic it came from (consumers are idempotent)."""
    letters = dict(asyncio.run(read_letters(bootstrap, Topics.named(namespace).dlq)))
    if number not in letters:
        typer.secho(f"no dead letter #{number}", fg="red", err=True)
        raise typer.Exit(2)
    letter = letters[number]
    if letter.get("unreadable") or not letter.get("source_topic"):
        typer.secho(f"#{number} cannot be replayed: {letter['reason']}", fg="red", err=True)
        raise typer.Exit(2)
    asyncio.run(replay_letter(bootstrap, letter))
    typer.echo(f"replayed #{number} to {letters[number]['source_topic']}")
