"""Domain refusals: why a command cannot be done, in the domain's words.

Domain code and handlers raise these; they know nothing of HTTP. ``shared.http`` alone maps them
to statuses (``NotFound`` 404, ``Forbidden`` 403, ``Invalid`` 422, ``Conflict`` 409), with the
same ``{"error", "detail", "field"}`` body as every other error. Services subclass them for their
own cases (a return refused at the head, a month already closed) and pick the ``code``.
"""

from typing import Any


class Refusal(Exception):
    """A command refused: ``detail`` says why (in Chinese for people, English in brackets),
    ``field`` names the input at fault when there is one."""

    code: str = "refused"

    def __init__(self, detail: Any, field: str | None = None, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        if code is not None:
            self.code = code  # an instance may name its case more precisely


class NotFound(Refusal):
    code = "not_found"


class Forbidden(Refusal):
    code = "forbidden"


class Invalid(Refusal):
    code = "invalid"


class Conflict(Refusal):
    code = "conflict"
