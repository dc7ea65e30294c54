"""The A/B chain walked through, as the measures (Art. 8) and the duty roster say."""

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from services.router.config import load_policy
from services.router.domain import chain as domain
from services.router.domain.roster import Roster
from shared.config import load_yaml
from shared.contracts import Address, ChainPosition, OrderReceivedPayload
from shared.organisation import DutySwap, Leave, Organisation, Override
from shared.paths import CONFIG_DIR
from shared.workdays import WorkCalendar

BJ = ZoneInfo("Asia/Shanghai")
ORG = load_yaml(CONFIG_DIR / "org.yaml", Organisation)
POLICY = load_policy(CONFIG_DIR / "router.yaml")
CALENDAR = WorkCalendar.from_file(CONFIG_DIR / "calendar_overrides.yaml")
BASE = Roster.from_org(ORG, CALENDAR)

WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=BJ)
WEDNESDAY_22 = datetime(2026, 12, 2, 22, 0, tzinfo=BJ)
THURSDAY_03 = datetime(2026, 12, 3, 3, 0, tzinfo=BJ)
MAKE_UP_SATURDAY_10 = datetime(2026, 2, 14, 10, 0, tzinfo=BJ)
SPRING_FESTIVAL_TUESDAY_10 = datetime(2026, 2, 17, 10, 0, tzinfo=BJ)
ORDINARY_SATURDAY_10 = datetime(2026, 12, 5, 10, 0, tzinfo=BJ)


def leave(person: str, start: date, end: date) -> Leave:
    return Leave.model_validate({"person": person, "from": start, "to": end, "reason": "年假"})


def order(**changes: object) -> OrderReceivedPayload:
    base = OrderReceivedPayload(
        source="12345",
        source_ref="LC12345-1",
        category="LEAK",
        category_label="漏水",
        address=Address(text="水城花园3号楼", community="水城花园"),
        received_at=WEDNESDAY_10,
    )
    return base.model_copy(update=changes)


A_ON_LEAVE = (leave("W-0301", date(2026, 12, 1), date(2026, 12, 3)),)
A_B_AND_TEAM_DUTY_ON_LEAVE = (
    *A_ON_LEAVE,
    leave("W-0302", date(2026, 12, 1), date(2026, 12, 3)),
    leave("P-0212", date(2026, 12, 1), date(2026, 12, 3)),
)
EVERYONE_ON_LEAVE = (
    *A_B_AND_TEAM_DUTY_ON_LEAVE,
    leave("P-0222", date(2026, 12, 1), date(2026, 12, 3)),
)

# UM-T1 rotates P-0210, P-0211, P-0212 from 2026-01-01: 2026-12-02 is day 335 → 335 % 3 = 2.
# The department's rotation is its teams' lists in turn (6 people): 335 % 6 = 5 → P-0222.
# 2026-02-17 is day 47 → 47 % 3 = 2 → P-0212.
CASES = [
    ("weekday day shift: A on duty", WEDNESDAY_10, (), "W-0301", "A", []),
    (
        "A on leave: B takes over",
        WEDNESDAY_10,
        A_ON_LEAVE,
        "W-0302",
        "B",
        ["W-0301 on leave until 12-03"],
    ),
    (
        "A and B off at night: the team's on-duty person",
        WEDNESDAY_22,
        (),
        "P-0212",
        "TEAM_DUTY",
        ["W-0301 off shift (day 08:00–17:30)", "W-0302 off shift (day 08:00–17:30)"],
    ),
    (
        "before the 08:00 handover the previous duty day's person still answers",
        THURSDAY_03,
        (),
        "P-0212",
        "TEAM_DUTY",
        ["W-0301 off shift (day 08:00–17:30)", "W-0302 off shift (day 08:00–17:30)"],
    ),
    ("make-up Saturday 2026-02-14 is a working day", MAKE_UP_SATURDAY_10, (), "W-0301", "A", []),
    (
        "a Spring Festival weekday is a holiday",
        SPRING_FESTIVAL_TUESDAY_10,
        (),
        "P-0212",
        "TEAM_DUTY",
        ["W-0301 off shift (day 08:00–17:30)", "W-0302 off shift (day 08:00–17:30)"],
    ),
    (
        "an ordinary Saturday is off",
        ORDINARY_SATURDAY_10,
        (),
        ORG.teams[2].on_duty_rotation[(date(2026, 12, 5) - date(2026, 1, 1)).days % 3],
        "TEAM_DUTY",
        ["W-0301 off shift (day 08:00–17:30)", "W-0302 off shift (day 08:00–17:30)"],
    ),
    (
        "A, B and the team's on-duty person away: the department's on-duty person",
        WEDNESDAY_10,
        A_B_AND_TEAM_DUTY_ON_LEAVE,
        "P-0222",
        "DEPT_DUTY",
        [
            "W-0301 on leave until 12-03",
            "W-0302 on leave until 12-03",
            "P-0212 on leave until 12-03",
        ],
    ),
    (
        "everyone away: the department head",
        WEDNESDAY_10,
        EVERYONE_ON_LEAVE,
        "P-0200",
        "HEAD",
        [
            "W-0301 on leave until 12-03",
            "W-0302 on leave until 12-03",
            "P-0212 on leave until 12-03",
            "P-0222 on leave until 12-03",
        ],
    ),
]


@pytest.mark.parametrize(
    ("when", "leaves", "assignee", "position", "reasons"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_the_first_available_link_of_the_chain_gets_the_order(
    when: datetime,
    leaves: tuple[Leave, ...],
    assignee: str,
    position: str,
    reasons: list[str],
) -> None:
    roster = replace(BASE, leave=leaves)
    chosen = domain.first_assignment(order(), roster, POLICY, when)
    assert (chosen.assignee_id, chosen.position) == (assignee, position)
    assert [s.reason for s in chosen.skipped] == reasons
    assert (chosen.department, chosen.grid, chosen.team) == (
        "USER_MAINTENANCE",
        "UM-DC-03",
        "UM-T1",
    )


def test_a_one_off_override_brings_a_worker_in_on_a_day_off() -> None:
    called_in = Override.model_validate(
        {
            "person": "W-0301",
            "from": datetime(2026, 12, 5, 8, 0, tzinfo=BJ),
            "to": datetime(2026, 12, 5, 12, 0, tzinfo=BJ),
            "available": True,
            "reason": "周六加班",
        }
    )
    roster = replace(BASE, overrides=(called_in,))
    assert domain.first_assignment(order(), roster, POLICY, ORDINARY_SATURDAY_10).assignee_id == (
        "W-0301"
    )


def test_a_one_off_absence_skips_the_worker_with_its_reason() -> None:
    training = Override.model_validate(
        {
            "person": "W-0301",
            "from": datetime(2026, 12, 2, 9, 0, tzinfo=BJ),
            "to": datetime(2026, 12, 2, 12, 0, tzinfo=BJ),
            "available": False,
            "reason": "培训",
        }
    )
    roster = replace(BASE, overrides=(training,))
    chosen = domain.first_assignment(order(), roster, POLICY, WEDNESDAY_10)
    assert chosen.assignee_id == "W-0302"
    assert chosen.skipped[0].reason == "W-0301 unavailable until 12-02 12:00：培训"


def test_a_duty_swap_puts_someone_else_on_duty_for_that_day() -> None:
    swap = DutySwap(unit="UM-T1", date=date(2026, 12, 2), person="P-0210", reason="换班")
    roster = replace(BASE, swaps=(swap,))
    chosen = domain.first_assignment(order(), roster, POLICY, WEDNESDAY_22)
    assert (chosen.assignee_id, chosen.position) == ("P-0210", "TEAM_DUTY")


def test_an_address_in_no_grid_goes_to_the_department_on_duty_person() -> None:
    nowhere = order(address=Address(text="某个未知小区", community="未知小区"))
    chosen = domain.first_assignment(nowhere, BASE, POLICY, WEDNESDAY_10)
    assert (chosen.position, chosen.assignee_id, chosen.grid) == ("DEPT_DUTY", "P-0222", None)
    assert chosen.skipped[0].reason == "address matches no grid"


def test_a_meter_order_goes_to_the_meter_reading_grid_of_the_same_address() -> None:
    chosen = domain.first_assignment(order(category="METER_RECHECK"), BASE, POLICY, WEDNESDAY_10)
    assert (chosen.department, chosen.grid, chosen.assignee_id) == (
        "METER_READING",
        "MR-DC-01",
        "W-0101",
    )


def test_an_unknown_category_goes_to_triage_on_duty() -> None:
    chosen = domain.first_assignment(order(category="UNCLASSIFIED"), BASE, POLICY, WEDNESDAY_10)
    assert (chosen.department, chosen.position) == ("DISPATCH", "TRIAGE")
    assert chosen.assignee_id in ORG.team("DP-T1").on_duty_rotation


def test_a_complaint_naming_a_worker_goes_to_the_head_of_the_workers_department() -> None:
    complaint = order(category="COMPLAINT", named_worker_id="W-0101")
    chosen = domain.first_assignment(complaint, BASE, POLICY, WEDNESDAY_10)
    assert (chosen.department, chosen.assignee_id, chosen.position) == (
        "METER_READING",
        "P-0100",
        "HEAD",
    )


def test_a_complaint_naming_nobody_goes_to_triage() -> None:
    chosen = domain.first_assignment(order(category="COMPLAINT"), BASE, POLICY, WEDNESDAY_10)
    assert chosen.department == "DISPATCH"


# --- escalation when nobody signs -------------------------------------------------------------

ESCALATIONS = [
    ("A did not sign: B", "A", {"W-0301"}, "W-0302", "B", False),
    (
        "B did not sign: the team's on-duty person",
        "B",
        {"W-0301", "W-0302"},
        "P-0212",
        "TEAM_DUTY",
        False,
    ),
    (
        "team duty did not sign: the department's",
        "TEAM_DUTY",
        {"P-0212"},
        "P-0222",
        "DEPT_DUTY",
        False,
    ),
    (
        "nobody signed: the head, and the chain has ended",
        "DEPT_DUTY",
        {"P-0222"},
        "P-0200",
        "HEAD",
        True,
    ),
]


@pytest.mark.parametrize(
    ("position", "asked", "assignee", "next_position", "chain_end"),
    [c[1:] for c in ESCALATIONS],
    ids=[c[0] for c in ESCALATIONS],
)
def test_an_unsigned_order_moves_down_the_chain(
    position: ChainPosition, asked: set[str], assignee: str, next_position: str, chain_end: bool
) -> None:
    step = domain.escalate(
        order(),
        "USER_MAINTENANCE",
        position,
        frozenset(asked),
        BASE,
        WEDNESDAY_10,
    )
    assert step.next is not None
    assert (step.next.assignee_id, step.next.position, step.chain_end) == (
        assignee,
        next_position,
        chain_end,
    )


def test_escalation_skips_someone_already_asked() -> None:
    # Grid UM-DC-04 has W-0302 as A and W-0301 as B; here B is the same person as UM-DC-03's A.
    step = domain.escalate(
        order(), "USER_MAINTENANCE", "A", frozenset({"W-0301", "W-0302"}), BASE, WEDNESDAY_10
    )
    assert step.next is not None
    assert step.next.position == "TEAM_DUTY"
    assert step.next.skipped[0].reason == "W-0302 already asked and did not sign"


def test_a_head_who_does_not_sign_leaves_nobody_further() -> None:
    step = domain.escalate(order(), "USER_MAINTENANCE", "HEAD", frozenset(), BASE, WEDNESDAY_10)
    assert (step.next, step.chain_end) == (None, True)


# --- acknowledgement limits and major events ------------------------------------------------

ACK_LIMITS = [
    ("12345 water order", order(), 30),
    ("urgent order", order(priority="urgent"), 10),
    ("96568 call", order(source="96568"), 30),
    ("grid worker's report", order(source="grid_report"), 60),
]


@pytest.mark.parametrize(("what", "o", "minutes"), ACK_LIMITS, ids=[c[0] for c in ACK_LIMITS])
def test_ack_due_comes_from_configuration(what: str, o: OrderReceivedPayload, minutes: int) -> None:
    assert POLICY.ack_minutes(o) == minutes
    assert (POLICY.ack_due(o, WEDNESDAY_10) - WEDNESDAY_10).total_seconds() == minutes * 60


def test_a_water_quality_incident_reaches_the_head_at_once() -> None:
    o = order(category="WATER_QUALITY", category_label="水质异常")
    chosen = domain.first_assignment(o, BASE, POLICY, WEDNESDAY_10)
    raised = domain.major_on_arrival("GL-1", chosen, o, BASE, POLICY, WEDNESDAY_10)
    assert [m.payload.notify for m in raised] == [("P-0300",)]
    assert raised[0].payload.department == "WATER_QUALITY"


def test_a_burst_main_is_a_major_event() -> None:
    o = order(content="路边爆管，水流满街")
    chosen = domain.first_assignment(o, BASE, POLICY, WEDNESDAY_10)
    raised = domain.major_on_arrival("GL-1", chosen, o, BASE, POLICY, WEDNESDAY_10)
    assert [m.payload.notify for m in raised] == [("P-0200",)]


def test_an_area_wide_outage_also_notifies_dispatch() -> None:
    o = order(category="OUTAGE", category_label="停水", content="整个小区大面积停水")
    chosen = domain.first_assignment(o, BASE, POLICY, WEDNESDAY_10)
    raised = domain.major_on_arrival("GL-1", chosen, o, BASE, POLICY, WEDNESDAY_10)
    assert [m.payload.notify for m in raised] == [("P-0200", "P-0400")]


def test_an_ordinary_leak_is_not_a_major_event() -> None:
    chosen = domain.first_assignment(order(), BASE, POLICY, WEDNESDAY_10)
    assert domain.major_on_arrival("GL-1", chosen, order(), BASE, POLICY, WEDNESDAY_10) == []


def test_a_major_events_reason_is_bare_so_the_label_is_shown_once() -> None:
    o = order(content="路口主管道漏水严重")
    chosen = domain.first_assignment(o, BASE, POLICY, WEDNESDAY_10)
    (raised,) = domain.major_on_arrival("GL-1", chosen, o, BASE, POLICY, WEDNESDAY_10)
    assert raised.payload.reason == "主管道"


@pytest.mark.parametrize(
    "content",
    [
        "计划停水 12-03 08:00至12-03 18:00，范围：水城花园。原因：更换DN300主管道阀门",
        "片区巡查：主路爆管已处置，多个小区大面积停水已恢复",
    ],
    ids=["planned outage notice", "grid worker's free text"],
)
def test_staff_words_never_raise_a_major_event(content: str) -> None:
    o = order(source="grid_report", category="OUTAGE", category_label="停水", content=content)
    chosen = domain.first_assignment(o, BASE, POLICY, WEDNESDAY_10)
    assert domain.major_on_arrival("GL-1", chosen, o, BASE, POLICY, WEDNESDAY_10) == []


def test_a_grid_workers_explicit_major_event_report_still_is_one() -> None:
    o = order(source="grid_report", priority="critical", content="主管道")
    chosen = domain.first_assignment(o, BASE, POLICY, WEDNESDAY_10)
    (raised,) = domain.major_on_arrival("GL-1", chosen, o, BASE, POLICY, WEDNESDAY_10)
    assert raised.payload.reason == "特急"
