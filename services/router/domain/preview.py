"""The routing preview, pure: the order a 96568 operator is about to submit, as the dispatch
decision (``chain.first_assignment``) would see it now — computed, never stored."""

from datetime import datetime

from shared.contracts import Address, OrderReceivedPayload


def preview_order(
    category: str,
    community: str,
    account_no: str | None,
    source: str,
    priority: str,
    now: datetime,
) -> OrderReceivedPayload:
    return OrderReceivedPayload(
        source=source,
        source_ref="preview",
        category=category,
        category_label=category,
        priority=priority,
        address=Address(community=community or None),
        account_no=account_no,
        received_at=now,
    )
