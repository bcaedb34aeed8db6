import datetime as dt

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from xaso.audit.models import AuditEvent
from xaso.audit.selectors import filter_events
from xaso.core.api import AUTH, Page, Text
from xaso.core.tenancy import commune_for

router = Router(tags=["Nhật ký"])


class EventOut(Schema):
    id: int
    at: dt.datetime
    actor: str = Field(alias="actor_label")
    action: str
    object_type: str
    object_id: str
    object_repr: str
    ip: str | None
    personal_data: bool
    detail: dict


@router.get(
    "/communes/{code}/audit-events",
    response=list[EventOut],
    auth=AUTH,
    summary="Nhật ký của xã (lọc theo hành động, người, thời gian)",
)
@paginate(Page)
def audit_events(
    request,
    code: str,
    action: Text = "",
    actor: Text = "",
    object_type: Text = "",
    object_id: Text = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    personal_data: bool | None = None,
):
    commune = commune_for(request.user, code, "audit.view")
    qs = filter_events(
        AuditEvent.objects.filter(commune=commune),
        action=action[:80],
        actor=actor[:150],
        object_type=object_type[:80],
        object_id=object_id[:64],
        date_from=date_from,
        date_to=date_to,
        personal_data=personal_data,
    )
    return qs
