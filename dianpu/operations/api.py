"""GET /api/v1/status: the owner's status page as JSON, for monitors (owner token)."""

from ninja import Router, Schema

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles

from . import queries

router = Router(tags=["operations"], auth=StaffToken())


class Problem(Schema):
    code: str
    detail: str


@router.get(
    "/status",
    response={200: dict, 403: Problem},
    summary="The shop's operational status: database, cache, queue, worker, jobs, backups, errors, disk",
)
def get_status(request):
    require_perm(request.user, roles.VIEW_OPERATIONS)
    return queries.get_status()
