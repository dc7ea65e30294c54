"""The timeline's lines name departments and sources in Chinese (issue 21's one vocabulary)."""

from datetime import UTC, datetime

from services.intake.domain.timeline import summarize
from shared.config import load_yaml
from shared.contracts import OrderDispatched, OrderDispatchedPayload
from shared.organisation import Organisation
from shared.paths import CONFIG_DIR

ORG = load_yaml(CONFIG_DIR / "org.yaml", Organisation)
T0 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def test_a_dispatch_names_the_department_by_its_name() -> None:
    event = OrderDispatched(
        order_id="GL-1",
        occurred_at=T0,
        producer="router",
        payload=OrderDispatchedPayload(
            department="USER_MAINTENANCE",
            assignee_id="W-0301",
            assignment_id=1,
            assignee_name="林峰",
            chain_position="A",
            ack_due=T0,
            round=1,
        ),
    )
    names = {d.code: d.name for d in ORG.departments}
    line = summarize(event, names)
    assert line.startswith("派单至 用户维修处 林峰（A岗）"), line
    assert "USER_MAINTENANCE" not in line
