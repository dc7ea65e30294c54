"""Phone numbers are personal data: one mask (138****1234) for every free-text field before it
is stored for display, published, logged or dead-lettered.

What counts as a phone, as callers and staff really write them:

- a mainland mobile, 11 digits starting 1[3-9], with or without a country prefix (``+86``,
  ``86-``, ``0086``, ``(+86)``), with spaces or dashes anywhere inside (``139 0635 1234``,
  ``139-0635-1234``), and also when run together with other digits (``户号0102 13906351234``
  written without the space, or ``8613906351234``): a mobile hidden inside a longer run of digits
  is still a mobile, and masking a few digits of something else costs less than a leak;
- a landline with an area code, written with a separator (``0635-8212345``, ``0635 8212345``) or
  as 11-12 bare digits. Shorter bare numbers starting with 0 are account numbers (户号), which
  staff need to read.

Full-width digits and signs (``１３９…``, ``（＋８６）``) are read as the ASCII they stand for;
the text around a number keeps its own characters (``（轮椅）`` stays full-width).
"""

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator

# One optional separator between two digits: "139 0635 1234", "139-0635-1234".
_SEP = r"[ \-\u2010-\u2015\u2212]?"
_PREFIX = r"(?:\(?(?:\+|00)?86\)?[ \-]?)"
_MOBILE = re.compile(
    rf"(?P<prefix>{_PREFIX})?(?P<number>1{_SEP}[3-9](?:{_SEP}\d){{9}})",
    flags=re.ASCII,
)
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}[- ]|0\d{3})(\d{3,4})(\d{4})(?!\d)", flags=re.ASCII)
_UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_DIGIT = re.compile("[0-9\uff10-\uff19]")
_FEWEST_DIGITS = 10  # a landline with a 3-digit area code; a mobile has 11
# One character for one: what is matched is read as ASCII, what is kept stays as written.
_FULLWIDTH = str.maketrans("０１２３４５６７８９＋－（）　", "0123456789+-() ")


def _mask_mobile(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match["number"])
    return f"{match['prefix'] or ''}{digits[:3]}****{digits[-4:]}"


def _outside_uuids(text: str) -> list[tuple[str, bool]]:
    """The text cut into (piece, is_uuid): an identifier's hex groups can spell 11 digits with
    dashes between them, and an id must stay readable."""
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in _UUID.finditer(text):
        pieces += [(text[last : match.start()], False), (match[0], True)]
        last = match.end()
    pieces.append((text[last:], False))
    return pieces


def _mask_landline(match: re.Match[str]) -> str:
    return f"{match[1]}{'*' * len(match[2])}{match[3]}"


def _substitute(pattern: re.Pattern[str], mask: Callable[[re.Match[str]], str], text: str) -> str:
    """Matches are found in the text with full-width digits read as ASCII (one character for
    one, so positions agree); everything outside a match keeps its own characters."""
    out, last = [], 0
    for match in pattern.finditer(text.translate(_FULLWIDTH)):
        out += [text[last : match.start()], mask(match)]
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def _mask_plain(text: str) -> str:
    return _substitute(_LANDLINE, _mask_landline, _substitute(_MOBILE, _mask_mobile, text))


def mask_phone(text: str) -> str:
    """Every phone number in ``text`` masked, the rest of the text exactly as it was (UUIDs are
    left whole). Idempotent: masking masked text changes nothing."""
    if len(_DIGIT.findall(text)) < _FEWEST_DIGITS:
        return text  # most fields (ids, codes, names): no phone fits, skip the patterns
    return "".join(p if is_id else _mask_plain(p) for p, is_id in _outside_uuids(text))


def mask_bytes(raw: bytes) -> bytes:
    """The same mask on a message as it came off the wire, whatever its encoding: UTF-8 text is
    masked as text; other bytes keep their bytes and only ASCII digit runs are masked (no byte
    of a multi-byte character is an ASCII digit, so nothing else changes)."""
    try:
        return mask_phone(raw.decode("utf-8")).encode("utf-8")
    except UnicodeDecodeError:
        return _mask_plain(raw.decode("latin-1")).encode("latin-1")


def mask_json(value: Any) -> Any:
    """Every string inside a JSON value masked (notes written by staff may quote a caller's)."""
    if isinstance(value, str):
        return mask_phone(value)
    if isinstance(value, dict):
        return {k: mask_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_json(v) for v in value]
    return value


def unmasked_phones(text: str) -> list[str]:
    """Every phone still readable in ``text`` (mobiles in any format, landlines): for tests and
    audits that look for leaks."""
    found = []
    for piece, is_id in _outside_uuids(text.translate(_FULLWIDTH)):
        if not is_id:
            found += [m[0] for m in _MOBILE.finditer(piece)]
            found += [m[0] for m in _LANDLINE.finditer(piece)]
    return found


def has_unmasked_mobile(text: str) -> bool:
    pieces = _outside_uuids(text.translate(_FULLWIDTH))
    return any(_MOBILE.search(piece) for piece, is_id in pieces if not is_id)


MaskedText = Annotated[str, AfterValidator(mask_phone)]
"""A free-text field whose phone numbers are masked as soon as the model is built: what staff
type, what the sources say in their own words, what goes on the log."""


def storable(text: str) -> str:
    """Text every database keeps: PostgreSQL refuses NUL characters (a 500, not a 422)."""
    if "\x00" in text:
        raise ValueError("text must not contain NUL characters")
    return text


StaffText = Annotated[str, AfterValidator(storable), AfterValidator(mask_phone)]
"""What staff type over HTTP (notes, reasons, replies): storable, and masked before it is
stored or published."""
