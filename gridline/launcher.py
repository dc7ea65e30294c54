"""``gridline up``: the embedded system — broker, four services, their SQLite files — in one go."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from gridline.broker import BrokerError, EmbeddedBroker, port_is_free
from gridline.services import SERVICES


class LaunchError(RuntimeError):
    pass


@dataclass
class LaunchPlan:
    host: str
    broker_port: int
    ports: dict[str, int]
    var_dir: Path
    database_url_template: str = ""
    extra_env: dict[str, str] = field(default_factory=dict)

    def taken_ports(self) -> list[str]:
        wanted = [("broker", self.broker_port), *self.ports.items()]
        return [f"{name} port {port}" for name, port in wanted if not port_is_free(self.host, port)]


@dataclass
class RunningSystem:
    broker: EmbeddedBroker
    processes: dict[str, subprocess.Popen[bytes]]
    logs: list[IO[bytes]]

    def stop(self) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in self.processes.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.broker.stop()
        for log in self.logs:
            log.close()


def start(plan: LaunchPlan, say: Callable[[str], None], ready_timeout: float = 90) -> RunningSystem:
    taken = plan.taken_ports()
    if taken:
        raise LaunchError(
            "cannot start: " + ", ".join(taken) + " already in use "
            "(another `gridline up`?). Stop it, or choose other ports (see `gridline up --help`)."
        )
    plan.var_dir.mkdir(parents=True, exist_ok=True)
    logs_dir = plan.var_dir / "logs"
    broker = EmbeddedBroker(plan.broker_port, plan.host, log_file=logs_dir / "broker.log")
    say(f"· starting the embedded Kafka-compatible broker on {broker.bootstrap} …")
    try:
        broker.start()
    except BrokerError as exc:
        raise LaunchError(str(exc)) from exc
    running = RunningSystem(broker, {}, [])
    try:
        for name, port in plan.ports.items():
            service = service_of(name)
            env = {
                **os.environ,
                **plan.extra_env,
                "GRIDLINE_KAFKA_BOOTSTRAP": broker.bootstrap,
                "GRIDLINE_PORT": str(port),
                "GRIDLINE_HOST": plan.host,
                "GRIDLINE_VAR_DIR": str(plan.var_dir),
            }
            env.update(_console_env(plan, name))
            if plan.database_url_template:
                # Replicas of a service share its database (PostgreSQL: they share the work).
                env["GRIDLINE_DATABASE_URL"] = plan.database_url_template.format(service=service)
            log = log_path(plan, name).open("ab")
            running.logs.append(log)
            label = SERVICES[service].label + ("" if name == service else f" ({name})")
            say(f"· starting {label} on port {port} (log: {log.name})")
            running.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "gridline", "serve", service],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_ready(plan, running, say, ready_timeout)
    except BaseException:
        running.stop()
        raise
    return running


def service_of(process: str) -> str:
    """``router#2`` is the second replica of ``router``: a process name beside its service's."""
    return process.split("#", 1)[0]


def log_path(plan: LaunchPlan, process: str) -> Path:
    return plan.var_dir / "logs" / f"{process.replace('#', '-')}.log"


def _console_env(plan: LaunchPlan, name: str) -> dict[str, str]:
    """The console finds the services where this launch put them; embedded, it may use the
    built-in development secrets and creates the demo accounts. The SLA dashboard links to it."""
    if name == "sla" and "console" in plan.ports:
        return {"GRIDLINE_CONSOLE_URL": f"http://{plan.host}:{plan.ports['console']}"}
    if name == "notify" and "console" in plan.ports:
        # A message's order link opens in the console (sign in, then 签收 in one tap).
        return {"GRIDLINE_LINK_BASE_URL": f"http://{plan.host}:{plan.ports['console']}"}
    if name != "console":
        return {}
    urls = {
        f"GRIDLINE_{name.upper()}_URL": f"http://{plan.host}:{port}"
        for name, port in plan.ports.items()
        if name != "console" and name == service_of(name)
    }
    return {**urls, "GRIDLINE_EMBEDDED": "true", "GRIDLINE_DEMO_ACCOUNTS": "true"}


def _wait_ready(
    plan: LaunchPlan, running: RunningSystem, say: Callable[[str], None], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    pending = dict(plan.ports)
    with httpx.Client(timeout=1.0) as client:
        while pending:
            for name, port in list(pending.items()):
                proc = running.processes[name]
                if proc.poll() is not None:
                    log = log_path(plan, name)
                    tail = "\n    ".join(log.read_text("utf-8", "replace").splitlines()[-8:])
                    raise LaunchError(
                        f"{name} stopped while starting (exit {proc.returncode}); "
                        f"the end of {log}:\n    {tail}"
                    )
                try:
                    body = client.get(f"http://{plan.host}:{port}/healthz").json()
                except (httpx.HTTPError, ValueError):
                    continue
                if body.get("ready"):
                    say(f"  ✓ {name} ready")
                    del pending[name]
            if pending and time.monotonic() > deadline:
                raise LaunchError(f"not ready after {timeout:.0f}s: {', '.join(pending)}")
            time.sleep(0.2)


def supervise_broker(running: RunningSystem, say: Callable[[str], None]) -> bool:
    """Restarts the embedded broker if it died; True if it did. The services notice the empty
    broker and rebuild the log from their outboxes: none of them needs a restart."""
    if running.broker.alive():
        return False
    say(f"· the embedded broker stopped; restarting it on {running.broker.bootstrap} …")
    try:
        running.broker.restart()
    except BrokerError as exc:
        say(f"  ✗ could not restart the broker: {exc}; trying again")
        return False
    say("  ✓ broker restarted (empty); the services are giving it the log back")
    return True


def watch(
    running: RunningSystem,
    say: Callable[[str], None] = lambda _line: None,
    stop: threading.Event | None = None,
) -> str | None:
    """Blocks until a service stops by itself (its name), the user interrupts or ``stop`` is
    set (None). Meanwhile a broker that dies is restarted."""
    try:
        while stop is None or not stop.is_set():
            for name, proc in running.processes.items():
                if proc.poll() is not None:
                    return name
            supervise_broker(running, say)
            time.sleep(0.5)
    except KeyboardInterrupt:
        return None
    return None
