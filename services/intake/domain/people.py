"""Which grid worker a complaint or a praise names, pure (Art. 18: −10 / +1 follow from it)."""

from shared.organisation import Organisation

NAMES_A_WORKER = frozenset({"COMPLAINT", "PRAISE"})


def named_worker(org: Organisation, category: str, *texts: str) -> str | None:
    """The grid worker whose id or name the text mentions (the longest name wins, so 卫东 is not
    found inside 卫东明); None when it names nobody or the category names no one."""
    if category not in NAMES_A_WORKER:
        return None
    text = "".join("".join(texts).split())
    workers = [p for p in org.people if p.role == "grid_worker"]
    by_id = [p.id for p in workers if p.id in text]
    if by_id:
        return by_id[0]
    by_name = [p for p in workers if len(p.name) >= 2 and p.name in text]
    return max(by_name, key=lambda p: len(p.name)).id if by_name else None
