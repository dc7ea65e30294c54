"""Why the router refuses a command, in the domain's words (``shared.http`` alone turns them into
statuses: ``NotFound`` 404, ``Forbidden`` 403, ``Invalid`` 422, ``Conflict`` 409). Each ``code``
is the one callers have always been answered with."""

from shared.refusals import Conflict, Forbidden, Invalid, NotFound


class NoSuchOrder(NotFound):
    def __init__(self, order_id: str) -> None:
        super().__init__(f"没有工单 {order_id}", "order_id")


class NotYours(Forbidden):
    """Another department's order, or a head's decision asked of someone who is not one."""


class InvalidState(Conflict):
    code = "invalid_state"


class ExtensionPending(Conflict):
    code = "extension_pending"


class DeadlinePassed(Conflict):
    code = "deadline_passed"


class ExtensionTooLong(Invalid):
    code = "extension_too_long"


class ExplanationRequired(Invalid):
    code = "explanation_required"


class AppointmentInPast(Invalid):
    code = "appointment_in_past"


class ReturnTooLate(Conflict):
    code = "return_too_late"


class ReturnPending(Conflict):
    code = "return_pending"


class NoExtensionRequest(Conflict):
    code = "no_extension_request"


class NotAComplaint(Conflict):
    code = "not_a_complaint"


class AlreadyVerified(Conflict):
    code = "already_verified"


class NotLinked(Conflict):
    code = "not_linked"
