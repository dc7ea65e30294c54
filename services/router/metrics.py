"""The router's own Prometheus metrics: coverage findings per department and kind, for the
dashboard and alerts (the HTTP and consumer metrics are shared)."""

from prometheus_client import Gauge

from services.router.domain.coverage import KIND_LABELS, Finding
from shared.organisation import Organisation

COVERAGE_FINDINGS = Gauge(
    "gridline_router_coverage_findings",
    "Coverage problems found in the days ahead (duty gaps, grids with A and B away, heads "
    "without a stand-in, duty people without a contact channel)",
    ["department", "kind"],
)


def publish_coverage(org: Organisation, found: list[Finding]) -> None:
    for d in org.departments:
        for kind in KIND_LABELS:
            count = sum(1 for f in found if (f.department, f.kind) == (d.code, kind))
            COVERAGE_FINDINGS.labels(d.code, kind).set(count)
