"""What one ``gridline bench`` run found, and its table for ``docs/benchmarks.md``."""

from dataclasses import dataclass, field

from gridline.launcher import service_of
from gridline.services import SERVICES

# Every process of the system (notify, outreach and the console consume or serve the same orders).
SERVICE_NAMES = tuple(SERVICES)
REPLICATED = ("router", "sla")  # ``--replicas N`` runs N of each in one consumer group
QUIET_SECONDS = 10  # before one order: the consumers' fetch wait has grown to its idle longest


def is_service(process: str) -> bool:
    """A service process (``router#2`` is a replica of the router), not the broker."""
    return service_of(process) in SERVICE_NAMES


@dataclass
class BenchResult:
    backend: str
    orders: int
    concurrency: int
    cpu_ms: dict[str, float] = field(default_factory=dict)
    per_order: dict[str, float] = field(default_factory=dict)
    sustained: float = 0.0
    rate: float = 0.0
    latency_ms: tuple[float, float] = (0.0, 0.0)
    accept_ms: tuple[float, float] = (0.0, 0.0)
    after_quiet_ms: float = 0.0
    """Received → dispatched of one order after the system sat quiet (consumers on their idle
    fetch wait): not part of the steady rate's percentiles."""
    idle_vcpu: float = 0.0
    idle_by: dict[str, float] = field(default_factory=dict)
    rss: dict[str, float] = field(default_factory=dict)
    raw_us: float = 0.0
    raw_one_us: float = 0.0
    """The raw broker with Gridline's traffic shape: one message per produce, waited for."""
    replicas: int = 1
    shares: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Each replicated process: (partitions held, messages it consumed per order)."""
    open_deadlines: int = 0
    """Open deadlines the SLA database held before the run (``--open-deadlines``)."""

    @property
    def gridline_us_per_message(self) -> float:
        services = sum(v for k, v in self.cpu_ms.items() if is_service(k))
        consumed = self.per_order.get("consumed", 0.0) or 1.0
        return services * 1000 / consumed

    def markdown(self) -> str:
        cpu = " / ".join(f"{k} {v:.1f}" for k, v in self.cpu_ms.items())
        services = sum(v for k, v in self.cpu_ms.items() if is_service(k))
        po = self.per_order
        ratio = self.gridline_us_per_message / self.raw_us if self.raw_us else float("nan")
        one = self.raw_one_us
        ratio_one = self.gridline_us_per_message / one if one else float("nan")
        rss = ", ".join(f"{k} {v:.0f}" for k, v in self.rss.items())
        idle = ", ".join(f"{k} {v:.3f}" for k, v in self.idle_by.items())
        rows = [
            ("CPU ms per order, per process", cpu),
            (
                "total CPU ms per order, all services (+ broker)",
                f"{services:.1f} (+ {self.cpu_ms.get('broker', 0):.1f})",
            ),
            ("DB commits per order (all services)", f"{po.get('commits', 0):.1f}"),
            (
                "messages consumed / produced per order",
                f"{po.get('consumed', 0):.1f} / {po.get('published', 0):.1f}"
                f" (+ {po.get('skipped', 0):.1f} dropped from their header)",
            ),
            ("offset commits per order", f"{po.get('offset_commits', 0):.1f}"),
            (
                f"sustained end-to-end orders/s ({self.orders} at {self.concurrency})",
                f"{self.sustained:.0f}",
            ),
            (
                f"received → dispatched p50 / p99 at {self.rate:.0f} orders/s",
                f"{self.latency_ms[0]:.0f} / {self.latency_ms[1]:.0f} ms",
            ),
            (
                f"received → dispatched of one order after {QUIET_SECONDS} s of quiet",
                f"{self.after_quiet_ms:.0f} ms",
            ),
            (
                f"intake accept p50 / p99 at {self.rate:.0f} orders/s",
                f"{self.accept_ms[0]:.0f} / {self.accept_ms[1]:.0f} ms",
            ),
            ("idle CPU of the whole system", f"{self.idle_vcpu:.3f} vCPU ({idle})"),
            ("RSS after the run (MB)", rss),
            (
                "raw broker CPU per message: batched / one at a time",
                f"{self.raw_us:.0f} / {self.raw_one_us:.0f} µs",
            ),
            (
                "Gridline CPU per consumed message ÷ raw broker's: batched / one at a time",
                f"{self.gridline_us_per_message:.0f} µs ÷ {self.raw_us:.0f} µs = {ratio:.0f}"
                f" / ÷ {self.raw_one_us:.0f} µs = {ratio_one:.0f}",
            ),
        ]
        if self.replicas > 1:
            held = ", ".join(f"{k} {p:.0f} / {c:.1f}" for k, (p, c) in self.shares.items())
            rows.append(("partitions held / messages consumed per order, per replica", held))
        backend = self.backend + (f", {self.replicas} replicas" if self.replicas > 1 else "")
        if self.open_deadlines:
            backend += f", {self.open_deadlines:,} open deadlines held"
        lines = [f"| figure ({backend}) | value |", "|---|---|"]
        return "\n".join(lines + [f"| {a} | {b} |" for a, b in rows]) + "\n\n" + self.by_process()

    def by_process(self) -> str:
        """A row per process: where the CPU per order, the idle CPU and the memory go."""
        lines = [
            f"| process ({self.backend}) | CPU ms per order | idle vCPU | RSS MB |",
            "|---|---|---|---|",
        ]
        for name, ms in self.cpu_ms.items():
            idle, rss = self.idle_by.get(name, 0.0), self.rss.get(name, 0.0)
            lines.append(f"| {name} | {ms:.2f} | {idle:.4f} | {rss:.0f} |")
        return "\n".join(lines)


def percentile_ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000 if ordered else 0.0
