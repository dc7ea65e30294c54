"""The field types of request bodies: every text a person types is bounded, storable and has its
phone numbers masked by the type itself, so a new field cannot forget either (issue 22).

``TextN`` is free text of at most N characters, masked as it is parsed (``shared.masking``):
reasons, notes, names of groups and people, what Alertmanager's annotations say. ``Key`` is a
code or an identifier that is looked up, not read (a worker id, a template), bounded only.

The maximum belongs to the type: pick the size, and add ``Field(min_length=1, ...)`` for a
required text. ``Field(max_length=...)`` on one of these is silently ignored by pydantic (the
type's own maximum wins), so a different maximum is a different type here, not a Field.
"""

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from shared.masking import mask_phone, storable


def _masked(text: str) -> str:
    """Refused with a NUL (PostgreSQL cannot store it), otherwise its phones masked; masking never
    lengthens a text, so the maximum checked before still holds."""
    return mask_phone(storable(text))


Masked = AfterValidator(_masked)

Text40 = Annotated[str, StringConstraints(max_length=40), Masked]
Text60 = Annotated[str, StringConstraints(max_length=60), Masked]
Text100 = Annotated[str, StringConstraints(max_length=100), Masked]
Text200 = Annotated[str, StringConstraints(max_length=200), Masked]
Text1000 = Annotated[str, StringConstraints(max_length=1000), Masked]
Text4000 = Annotated[str, StringConstraints(max_length=4000), Masked]

Key = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(storable)]
