"""Phone numbers are personal data: they are masked (138****1234) wherever people read logs."""

import re

# Mainland mobiles (11 digits starting 1[3-9]) and landlines with an area code, written with a
# separator (0635-8212345) or as 11-12 bare digits. Shorter bare numbers starting with 0 are
# account numbers (户号), which staff need to read.
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}[- ]|0\d{3})(\d{3,4})(\d{4})(?!\d)")


def mask_phone(text: str) -> str:
    text = _MOBILE.sub(lambda m: f"{m[1]}****{m[3]}", text)
    return _LANDLINE.sub(lambda m: f"{m[1]}{'*' * len(m[2])}{m[3]}", text)


def has_unmasked_mobile(text: str) -> bool:
    return _MOBILE.search(text) is not None
