"""One phone number, however a source writes it (0635-8212345, 06358212345, 0635 8212345)."""

import re

_AREA = re.compile(r"^(0(?:10|2\d|[3-9]\d\d))(\d{7,8})$")


def digits(phone: str | None) -> str:
    return "".join(ch for ch in phone or "" if ch.isdigit())


def variants(phone: str | None) -> list[str]:
    """The spellings under which the same number may be stored: as given, bare digits, and a
    landline with its area code split off by a hyphen or a space."""
    if not phone:
        return []
    bare = digits(phone)
    found = [phone, bare]
    split = _AREA.match(bare)
    if split:
        found += [f"{split[1]}-{split[2]}", f"{split[1]} {split[2]}"]
    return list(dict.fromkeys(found))
