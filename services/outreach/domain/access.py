"""Who acts for which department: a head or a department worker for their own only; ops, admin
and operators name the department they act on."""

from shared.auth import Principal
from shared.refusals import Forbidden, Invalid


def own(who: Principal, department: str | None) -> str:
    """The department ``who`` acts for: their own; ops/admin/operator name it (``department``)."""
    if who.department is not None:
        if department is not None and department != who.department:
            raise Forbidden(f"{who.role} 不能查看或办理其他部门的事项", "department")
        return who.department
    if department is None:
        raise Invalid("请指定部门（department）", "department")
    return department
