"""Reads of the dossier domain: inbox, lookup, the citizen's own list, figures, paper."""

from __future__ import annotations

import datetime as dt
import json
import weakref

from django.db import DatabaseError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from xaso.core.text import fold
from xaso.dossiers.models import (
    OPEN_STATES,
    Channel,
    Dossier,
    DossierEvent,
    State,
)
from xaso.workdays.calendar import VN, Calendar

FILTERS = ("due_soon", "overdue", "mine")


def inbox(
    commune,
    user,
    *,
    state: int | None = None,
    procedure: str = "",
    flt: str = "",
    q: str = "",
    now: dt.datetime | None = None,
) -> QuerySet:
    """The commune's dossiers for an official, filtered; soonest due first."""
    now = now or timezone.now()
    qs = Dossier.objects.filter(commune=commune).select_related("procedure", "assignee")
    if state:
        qs = qs.filter(state=state)
    if procedure:
        qs = qs.filter(procedure__code=procedure)
    if flt == "overdue":
        qs = qs.filter(state__in=list(OPEN_STATES), due_at__lt=now)
    elif flt == "due_soon":
        # Due before the end of the next working day and not yet late.
        calendar = Calendar.current()
        limit_day = calendar.next_working_day(now.astimezone(VN).date())
        limit = dt.datetime.combine(limit_day, dt.time(23, 59), tzinfo=VN)
        qs = qs.filter(state__in=list(OPEN_STATES), due_at__gte=now, due_at__lte=limit)
    elif flt == "mine":
        qs = qs.filter(assignee=user)
    q = (q or "").strip()
    if q:
        folded = fold(q)
        qs = qs.filter(
            Q(code__iexact=q) | Q(code__icontains=q) | Q(applicant_name_folded__contains=folded)
        )
    return (
        qs.order_by("due_at", "id")
        if flt in ("overdue", "due_soon")
        else qs.order_by("-submitted_at", "-id")
    )


# The public lookup is the hottest read of the one-stop shop (every QR code printed on a
# receipt leads to it): one indexed query that joins the procedure and commune names and
# aggregates the public timeline in the database, instead of two ORM queries.
_CARD_SQL = """
SELECT d.applicant_phone, d.code, d.state, d.submitted_at, d.received_at, d.due_at,
       p.name, c.name,
       (SELECT {agg} FROM (
            SELECT e.at, e.to_state FROM dossiers_dossierevent e
            WHERE e.dossier_id = d.id AND e.public AND e.to_state IS NOT NULL
              AND (e.from_state IS NULL OR e.from_state <> e.to_state)
            ORDER BY e.at, e.id) ev)
FROM dossiers_dossier d
JOIN procedures_procedure p ON p.id = d.procedure_id
JOIN geo_commune c ON c.id = d.commune_id
WHERE d.code = %s
"""
_AGG = {
    "postgresql": "json_agg(json_build_array(ev.at, ev.to_state))",
    "sqlite": "json_group_array(json_array(ev.at, ev.to_state))",
}


def _moment(value) -> dt.datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else parse_datetime(value)
    if moment is not None and timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)  # SQLite keeps UTC without an offset
    return moment


# On PostgreSQL the statement is prepared once per database session: planning the join
# costs several times its execution. (Prepared statements need a session of one's own:
# behind PgBouncer use session pooling.)
_PREPARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _prepared() -> bool:
    connection.ensure_connection()
    raw = connection.connection
    ready = _PREPARED.get(raw)
    if ready is None:
        sql = _CARD_SQL.format(agg=_AGG["postgresql"]).replace("%s", "$1")
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"PREPARE xaso_dossier_card(text) AS {sql}")
            ready = True
        except DatabaseError:  # e.g. tables not there yet: use the plain query
            ready = False
        _PREPARED[raw] = ready
    return ready


def _card_row(code: str):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and _prepared():
            cursor.execute("EXECUTE xaso_dossier_card(%s)", [code])
        else:
            sql = _CARD_SQL.format(agg=_AGG.get(connection.vendor, _AGG["sqlite"]))
            cursor.execute(sql, [code])
        return cursor.fetchone()


def public_card(code: str, phone_last4: str) -> dict | None:
    """What the public tracking shows for a dossier — no names, no notes, no identity
    number — or None for an unknown code OR a wrong phone (the same answer: no
    enumeration)."""
    code = (code or "").strip().upper()[:48]
    digits = (phone_last4 or "").strip()
    if not code or len(digits) != 4 or not digits.isdigit():
        return None
    row = _card_row(code)
    if row is None or not (row[0] or "").endswith(digits):
        return None
    _, code, state, submitted_at, received_at, due_at, procedure, commune, events = row
    if isinstance(events, str):
        events = json.loads(events)
    timeline = [
        {"at": _moment(at), "state": to, "label": str(State(to).label)} for at, to in (events or [])
    ]
    return {
        "code": code,
        "procedure_name": procedure,
        "commune": commune,
        "state": state,
        "state_label": str(State(state).label),
        "submitted_at": _moment(submitted_at),
        "received_at": _moment(received_at),
        "due_at": _moment(due_at),
        "result_ready": state in (State.DONE, State.RETURNED),
        "timeline": timeline,
    }


def public_timeline(dossier) -> list[dict]:
    """State changes only: when, the state number and its label. No names, no notes."""
    rows = []
    # .all(): one query, or none when the events were prefetched (lists).
    for event in sorted(dossier.events.all(), key=lambda e: (e.at, e.id)):
        if not event.public or event.to_state is None or event.from_state == event.to_state:
            continue
        rows.append(
            {"at": event.at, "state": event.to_state, "label": str(State(event.to_state).label)}
        )
    return rows


def mine(user) -> QuerySet:
    return (
        Dossier.objects.filter(applicant_user=user)
        .select_related("procedure", "commune")
        .order_by("-submitted_at", "-id")
    )


def period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    today = timezone.now().astimezone(VN).date()
    date_to = date_to or today
    date_from = date_from or date_to.replace(month=1, day=1)
    return date_from, date_to


def _bounds(date_from: dt.date, date_to: dt.date):
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=VN)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=VN)
    return start, end


RECEIVED = ~Q(state__in=[State.NEW, State.NOT_RECEIVED])
DONE = Q(completed_at__isnull=False)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _figures(row: dict, days: tuple[int, int]) -> dict:
    total_days, completed_with_days = days
    return {
        "received": row["received"],
        "online": row["online"],
        "online_share": _ratio(row["online"], row["received"]),
        "full_online": row["full_online"],
        "full_online_share": _ratio(row["full_online"], row["received"]),
        "completed": row["completed"],
        "on_time": row["on_time"],
        "on_time_rate": _ratio(row["on_time"], row["completed"]),
        "avg_processing_days": round(total_days / completed_with_days, 2)
        if completed_with_days
        else None,
        "ratings": row["ratings"],
        "satisfaction": _ratio(row["satisfied"], row["ratings"]),
        "in_progress": row["in_progress"],
    }


COUNTERS = (
    "received",
    "online",
    "full_online",
    "completed",
    "on_time",
    "ratings",
    "satisfied",
    "in_progress",
)


def stats(commune, date_from: dt.date | None = None, date_to: dt.date | None = None) -> dict:
    """Figures of the dossiers submitted in the period, per commune and per procedure,
    aggregated in the database (no row is loaded).

    received: submitted and received (not awaiting reception, not refused);
    online share: filed online / received; full-online share: filed online for a
    "toàn trình" procedure / received; on-time rate: done by the legal due date /
    done; average processing time: working days from receipt to done; satisfaction:
    ratings where the citizen scored no index 0 / ratings.
    """
    from django.db.models import Count, F
    from django.db.models.functions import TruncDate

    date_from, date_to = period(date_from, date_to)
    start, end = _bounds(date_from, date_to)
    qs = Dossier.objects.filter(commune=commune, submitted_at__gte=start, submitted_at__lt=end)
    rows = list(
        qs.values("procedure__code", "procedure__name")
        .annotate(
            received=Count("id", filter=RECEIVED),
            online=Count("id", filter=RECEIVED & Q(channel=Channel.ONLINE)),
            full_online=Count(
                "id",
                filter=RECEIVED & Q(channel=Channel.ONLINE, procedure__online_level="toan_trinh"),
            ),
            completed=Count("id", filter=RECEIVED & DONE),
            on_time=Count("id", filter=RECEIVED & DONE & Q(completed_at__lte=F("original_due_at"))),
            ratings=Count("rating"),
            satisfied=Count("rating", filter=Q(rating__satisfied=True)),
            in_progress=Count("id", filter=Q(state__in=list(OPEN_STATES))),
        )
        .order_by("procedure__code")
    )
    # Working days from receipt to done: counted once per distinct pair of days.
    calendar = Calendar.current()
    pairs = (
        qs.filter(RECEIVED & DONE, received_at__isnull=False)
        .annotate(rd=TruncDate("received_at", tzinfo=VN), cd=TruncDate("completed_at", tzinfo=VN))
        .values("procedure__code", "rd", "cd")
        .annotate(n=Count("id"))
        .order_by()
    )
    days: dict[str, list[int]] = {}
    for pair in pairs:
        spent = calendar.working_days_between(pair["rd"], pair["cd"])
        acc = days.setdefault(pair["procedure__code"], [0, 0])
        acc[0] += spent * pair["n"]
        acc[1] += pair["n"]
    total = {key: sum(r[key] for r in rows) for key in COUNTERS}
    all_days = (sum(v[0] for v in days.values()), sum(v[1] for v in days.values()))
    return {
        "commune": commune.code_str,
        "from": date_from,
        "to": date_to,
        **_figures(total, all_days),
        "by_procedure": [
            {
                "code": r["procedure__code"],
                "name": r["procedure__name"],
                **_figures(r, tuple(days.get(r["procedure__code"], (0, 0)))),
            }
            for r in rows
        ],
    }


def office_events(dossier) -> QuerySet:
    return DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("at", "id")


def step_label(dossier) -> str:
    step = dossier.step
    if dossier.state != State.PROCESSING or not step:
        return ""
    return f"{dossier.current_step + 1}. {step.get('name', '')}"


# --- Paper -------------------------------------------------------------------------------


def paper_dossier(dossier: Dossier, site_url: str):
    """What the paper forms print about one dossier (Contract 3)."""
    from xaso.accounts.validators import mask_identity_number
    from xaso.dossiers.models import EventKind
    from xaso.dossiers.paper import PaperDossier, PaperStep

    commune = dossier.commune
    procedure = dossier.procedure
    steps = []
    # .all() uses the prefetched events of the register (one query for all rows).
    for event in sorted(dossier.events.all(), key=lambda e: (e.at, e.id)):
        if event.kind not in (EventKind.SUBMITTED, EventKind.STATE, EventKind.FORWARDED):
            continue
        label = str(State(event.to_state).label) if event.to_state else event.get_kind_display()
        if event.kind == EventKind.FORWARDED and event.step is not None:
            step = (
                (procedure.steps or [])[event.step]
                if event.step < len(procedure.steps or [])
                else {}
            )
            label = str(step.get("name") or label)
        on_time = None
        if dossier.original_due_at is not None:
            on_time = event.at <= dossier.original_due_at
        steps.append(
            PaperStep(
                at=event.at,
                label=label,
                actor=event.actor.display_name if event.actor else "",
                note=event.note,
                on_time=on_time,
            )
        )
    reason = (
        dossier.supplement_reason
        or dossier.refusal_reason
        or dossier.apology_reason
        or dossier.stop_reason
    )
    documents = [
        (str(d.get("name", "")), int(d.get("copies") or 1)) for d in (procedure.documents or [])
    ]
    return PaperDossier(
        code=dossier.code,
        agency_name=f"UBND {commune.name[:1].lower()}{commune.name[1:]}",
        commune_name=commune.name,
        province_name=commune.province.name,
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        field=procedure.field,
        applicant_name=dossier.applicant_name,
        applicant_address=dossier.applicant_address,
        applicant_phone=dossier.applicant_phone,
        applicant_id_masked=mask_identity_number(dossier.applicant_id_number),
        channel_label=dossier.get_channel_display(),
        received_at=dossier.received_at,
        due_at=dossier.original_due_at,
        documents=documents,
        fee=procedure.fee,
        received_by=dossier.received_by.display_name if dossier.received_by else "",
        tracking_url=f"{site_url}/tra-cuu-ho-so/?ma={dossier.code}",
        reason=reason,
        new_due_at=dossier.new_due_at,
        returned_at=dossier.returned_at,
        state_label=dossier.state_label,
        steps=steps,
    )


def register_rows(commune, date_from: dt.date, date_to: dt.date) -> list[Dossier]:
    start, end = _bounds(date_from, date_to)
    return list(
        Dossier.objects.filter(commune=commune, submitted_at__gte=start, submitted_at__lt=end)
        .exclude(state=State.NEW)
        .select_related("procedure", "commune__province", "received_by")
        .prefetch_related("events__actor")
        .order_by("submitted_at", "id")
    )
