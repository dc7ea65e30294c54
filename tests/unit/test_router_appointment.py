"""预约上门 in the past is refused (issue 21): a 2020 appointment was accepted and counted as
missed at once."""

from datetime import UTC, datetime, timedelta

import pytest

from services.router.domain.lifecycle import check_appointment_time
from services.router.domain.refusals import AppointmentInPast
from shared.clock import LOCAL_TZ
from shared.http import refusal_status

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    "at", [datetime(2020, 3, 5, 9, 30, tzinfo=LOCAL_TZ), NOW - timedelta(minutes=1), NOW]
)
def test_an_appointment_not_after_now_is_refused_saying_when_in_beijing_time(
    at: datetime,
) -> None:
    with pytest.raises(AppointmentInPast) as refused:
        check_appointment_time(at, NOW)
    local = at.astimezone(LOCAL_TZ)
    assert refused.value.detail == (
        f"预约上门时间 {local:%Y-%m-%d %H:%M}（北京时间）已过，"
        "请约定晚于现在（2026-12-02 10:00）的时间"
    )
    assert (refused.value.field, refused.value.code) == ("appointment_at", "appointment_in_past")
    assert refusal_status(refused.value) == 422


def test_an_appointment_later_than_now_is_taken_whatever_zone_it_was_written_in() -> None:
    check_appointment_time(NOW + timedelta(minutes=1), NOW)
    check_appointment_time(datetime(2026, 12, 2, 2, 1, tzinfo=UTC), NOW)  # 10:01 in Beijing
    with pytest.raises(AppointmentInPast) as refused:
        check_appointment_time(datetime(2026, 12, 2, 1, 59, tzinfo=UTC), NOW)
    assert "2026-12-02 09:59（北京时间）" in refused.value.detail
