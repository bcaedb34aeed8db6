"""Writes to the registry: one function per life event, each permission-checked,
validated, transactional, audited and written into the person's history.

Households are locked (``select_for_update``) before their members or head
change, so two officers recording events of the same household at once are
serialised instead of leaving it with two heads or none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.accounts.validators import normalize_phone, validate_identity_number
from xaso.audit import services as audit
from xaso.core import permissions
from xaso.core.text import fold
from xaso.population.choices import ETHNIC_GROUPS, Event, Relationship, Residence, VillageKind
from xaso.population.models import Household, Person, PersonChange, Village

#: Fields a correction may change, in the order forms show them.
EDITABLE_FIELDS = (
    "full_name",
    "date_of_birth",
    "sex",
    "identity_number",
    "ethnicity",
    "phone",
    "email",
    "relationship",
    "residence_status",
    "residence_from",
    "residence_until",
    "publish_in_village_directory",
    "publish_phone",
)
_ETHNIC_BY_KEY = {fold(name): name for name in ETHNIC_GROUPS}


def _label(actor) -> str:
    return actor.get_username() if getattr(actor, "is_authenticated", False) else "system"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _history(
    actor,
    event: str,
    *,
    commune,
    person: Person | None = None,
    household: Household | None = None,
    changes: dict | None = None,
    note: str = "",
) -> None:
    rows = [
        PersonChange(
            commune=commune,
            person=person,
            household=household,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_label=_label(actor),
            event=event,
            field=name,
            old_value=_text(old),
            new_value=_text(new),
            note=note[:255],
        )
        for name, (old, new) in (changes or {"": (None, None)}).items()
    ]
    PersonChange.objects.bulk_create(rows)


def _today() -> dt.date:
    return timezone.localdate()


# --- Validation -------------------------------------------------------------------


def clean_ethnicity(raw: str | None) -> str:
    """ "kinh", "Tay", "Thái" → the official name; "" → Kinh; unknown → ValidationError."""
    key = fold(raw or "")
    if not key:
        return "Kinh"
    name = _ETHNIC_BY_KEY.get(key) or _ETHNIC_BY_KEY.get(key.replace("-", " - "))
    if name is None:
        raise ValidationError(
            _("Dân tộc không có trong danh mục 54 dân tộc: %(value)s."),
            params={"value": str(raw)[:40]},
        )
    return name


def clean_person(data: dict, *, instance: Person | None = None) -> dict:
    """Validate person fields; returns them cleaned or raises ValidationError({field: msg})."""
    errors: dict[str, list] = {}
    out = dict(data)
    today = _today()

    def merged(name):
        if name in out:
            return out[name]
        return getattr(instance, name, None) if instance is not None else None

    if "full_name" in out:
        out["full_name"] = " ".join(str(out["full_name"] or "").split())[:150]
        if not out["full_name"]:
            errors["full_name"] = [_("Vui lòng nhập họ và tên.")]
    dob = merged("date_of_birth")
    if "date_of_birth" in out:
        if not isinstance(dob, dt.date) or dob > today or dob.year < today.year - 130:
            errors["date_of_birth"] = [_("Ngày sinh không hợp lệ.")]
            dob = None
    sex = merged("sex")
    if "sex" in out and sex not in ("M", "F"):
        errors["sex"] = [_("Giới tính phải là Nam hoặc Nữ.")]
        sex = None
    if "identity_number" in out:
        out["identity_number"] = str(out["identity_number"] or "").strip() or None
    number = merged("identity_number")
    if number and ({"identity_number", "date_of_birth", "sex"} & out.keys()):
        try:
            validate_identity_number(
                number, date_of_birth=dob if isinstance(dob, dt.date) else None, sex=sex
            )
        except ValidationError as exc:
            errors["identity_number"] = exc.messages
        else:
            clash = Person.objects.filter(identity_number=number)
            if instance is not None and instance.pk:
                clash = clash.exclude(pk=instance.pk)
            if "identity_number" in out and clash.exists():
                errors["identity_number"] = [_("Số định danh cá nhân này đã có trong sổ dân cư.")]
    if "ethnicity" in out:
        try:
            out["ethnicity"] = clean_ethnicity(out["ethnicity"])
        except ValidationError as exc:
            errors["ethnicity"] = exc.messages
    if "phone" in out:
        if out["phone"]:
            try:
                out["phone"] = normalize_phone(out["phone"])
            except ValidationError as exc:
                errors["phone"] = exc.messages
        else:
            out["phone"] = ""
    if "email" in out:
        out["email"] = str(out["email"] or "").strip()
        if out["email"]:
            try:
                validate_email(out["email"])
            except ValidationError:
                errors["email"] = [_("Thư điện tử không hợp lệ.")]
    if "relationship" in out and out["relationship"] not in Relationship.values:
        errors["relationship"] = [_("Quan hệ với chủ hộ không hợp lệ.")]
    if "residence_status" in out and out["residence_status"] not in Residence.values:
        errors["residence_status"] = [_("Tình trạng cư trú không hợp lệ.")]
    start, end = merged("residence_from"), merged("residence_until")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        errors["residence_until"] = [_("Ngày kết thúc cư trú phải sau ngày bắt đầu.")]
    for flag in ("publish_in_village_directory", "publish_phone"):
        if flag in out:
            out[flag] = bool(out[flag])
    unknown = set(out) - set(EDITABLE_FIELDS)
    if unknown:
        errors[sorted(unknown)[0]] = [_("Trường này không sửa được.")]
    if errors:
        raise ValidationError(errors)
    return out


def _lock_household(household: Household) -> Household:
    return Household.objects.select_for_update().get(pk=household.pk)


def _require_same_commune(*objs) -> None:
    communes = {o.commune_id for o in objs if o is not None}
    if len(communes) > 1:
        raise ValidationError(_("Các bản ghi không cùng một xã."))


# --- Villages ----------------------------------------------------------------------


@transaction.atomic
def create_village(actor, commune, *, name: str, kind: str, ip: str | None = None) -> Village:
    permissions.require(actor, "population.import", commune)
    name = " ".join((name or "").split())[:120]
    if not name:
        raise ValidationError({"name": _("Vui lòng nhập tên thôn, tổ dân phố.")})
    if kind not in VillageKind.values:
        raise ValidationError({"kind": _("Loại không hợp lệ.")})
    if Village.objects.filter(commune=commune, name_folded=fold(name)).exists():
        raise ValidationError({"name": _("Xã đã có thôn, tổ dân phố tên này.")})
    village = Village.objects.create(commune=commune, name=name, kind=kind)
    audit.record(actor, "population.village.create", village, ip=ip)
    return village


# --- Life events -------------------------------------------------------------------


def _new_person(commune, household: Household | None, data: dict) -> Person:
    person = Person(commune=commune, household=household, **data)
    person.save()
    return person


@transaction.atomic
def register_birth(
    actor,
    household: Household,
    *,
    full_name: str,
    date_of_birth: dt.date,
    sex: str,
    identity_number: str | None = None,
    ethnicity: str = "Kinh",
    relationship: str = Relationship.CHILD,
    ip: str | None = None,
) -> Person:
    """A child born into a household: permanent residence from the date of birth."""
    permissions.require(actor, "population.edit", household.commune)
    household = _lock_household(household)
    if not household.active:
        raise ValidationError(_("Hộ này không còn hiệu lực."))
    data = clean_person(
        {
            "full_name": full_name,
            "date_of_birth": date_of_birth,
            "sex": sex,
            "identity_number": identity_number,
            "ethnicity": ethnicity,
            "relationship": relationship,
        }
    )
    if relationship == Relationship.HEAD:
        raise ValidationError({"relationship": _("Trẻ mới sinh không thể là chủ hộ.")})
    person = _new_person(
        household.commune,
        household,
        {
            **data,
            "residence_status": Residence.PERMANENT,
            "residence_from": data["date_of_birth"],
        },
    )
    _history(
        actor,
        Event.BIRTH,
        commune=household.commune,
        person=person,
        household=household,
        changes={"household": (None, household.number)},
    )
    audit.record(actor, "population.birth", person, ip=ip, detail={"household": household.number})
    return person


@transaction.atomic
def register_death(
    actor, person: Person, *, date_of_death: dt.date, ip: str | None = None
) -> Person:
    permissions.require(actor, "population.edit", person.commune)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.alive:
        raise ValidationError(_("Người này đã được khai tử."))
    if date_of_death > _today() or date_of_death < person.date_of_birth:
        raise ValidationError({"date_of_death": _("Ngày mất không hợp lệ.")})
    household = _lock_household(person.household) if person.household_id else None
    person.alive = False
    person.date_of_death = date_of_death
    person.save(update_fields=["alive", "date_of_death", "updated_at"])
    changes = {"alive": (True, False), "date_of_death": (None, date_of_death)}
    note = ""
    if household is not None and household.head_id == person.pk:
        household.head = None
        household.save(update_fields=["head", "updated_at"])
        note = str(_("Hộ cần chọn chủ hộ mới."))
    _history(
        actor,
        Event.DEATH,
        commune=person.commune,
        person=person,
        household=household,
        changes=changes,
        note=note,
    )
    audit.record(actor, "population.death", person, ip=ip, detail={"date": str(date_of_death)})
    return person


@transaction.atomic
def move_in(
    actor,
    commune,
    *,
    person: dict,
    household: Household | None = None,
    new_household_number: str = "",
    village: Village | None = None,
    address: str = "",
    residence_status: str = Residence.PERMANENT,
    date: dt.date | None = None,
    ip: str | None = None,
) -> Person:
    """Someone comes to live in the commune: into an existing household, or as the
    head of a new one (``new_household_number`` + ``village``)."""
    permissions.require(actor, "population.edit", commune)
    if residence_status not in (Residence.PERMANENT, Residence.TEMPORARY):
        raise ValidationError({"residence_status": _("Chỉ ghi thường trú hoặc tạm trú.")})
    date = date or _today()
    _require_same_commune(household, village)
    if household is not None and household.commune_id != commune.pk:
        raise ValidationError(_("Hộ không thuộc xã này."))
    if village is not None and village.commune_id != commune.pk:
        raise ValidationError(_("Thôn không thuộc xã này."))
    data = dict(person)
    number = data.get("identity_number")
    returning = None
    if number:
        returning = Person.objects.filter(identity_number=str(number).strip()).first()
        if returning is not None and returning.is_resident:
            raise ValidationError(
                {"identity_number": _("Người này đang cư trú, không thể ghi chuyển đến.")}
            )
        if returning is not None:
            data.pop("identity_number")
    data = clean_person(data, instance=returning)
    if household is None:
        number_text = " ".join((new_household_number or "").split())[:30]
        if not number_text or village is None:
            raise ValidationError(_("Cần chọn hộ, hoặc nhập số hộ mới và thôn."))
        if Household.objects.filter(commune=commune, number=number_text).exists():
            raise ValidationError({"household": _("Số hộ này đã có.")})
        household = Household.objects.create(
            commune=commune, number=number_text, village=village, address=address[:255]
        )
        data["relationship"] = Relationship.HEAD
        created_household = True
    else:
        household = _lock_household(household)
        created_household = False
        if data.get("relationship") in (None, "", Relationship.HEAD):
            data["relationship"] = Relationship.OTHER
    fields = {
        **data,
        "residence_status": residence_status,
        "residence_from": date,
        "residence_until": None,
        "moved_out_on": None,
    }
    if returning is not None:
        before = {k: getattr(returning, k) for k in fields}
        returning.commune = commune
        returning.household = household
        for key, value in fields.items():
            setattr(returning, key, value)
        returning.save()
        person_obj = returning
        changes = {k: (before[k], v) for k, v in fields.items() if before[k] != v}
    else:
        person_obj = _new_person(commune, household, fields)
        changes = {}
    changes["household"] = (None, household.number)
    if created_household:
        household.head = person_obj
        household.save(update_fields=["head", "updated_at"])
    _history(
        actor,
        Event.MOVE_IN,
        commune=commune,
        person=person_obj,
        household=household,
        changes=changes,
    )
    audit.record(
        actor,
        "population.move_in",
        person_obj,
        ip=ip,
        detail={"household": household.number, "residence_status": residence_status},
    )
    return person_obj


@transaction.atomic
def move_out(
    actor,
    person: Person,
    *,
    date: dt.date | None = None,
    destination: str = "",
    ip: str | None = None,
) -> Person:
    """Someone leaves the commune: their row stays, marked moved out, outside any household."""
    permissions.require(actor, "population.edit", person.commune)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.is_resident:
        raise ValidationError(_("Người này không còn cư trú tại xã."))
    date = date or _today()
    if date > _today() + dt.timedelta(days=366) or date < person.date_of_birth:
        raise ValidationError({"date": _("Ngày chuyển đi không hợp lệ.")})
    household = _lock_household(person.household) if person.household_id else None
    old_number = household.number if household else None
    person.moved_out_on = date
    person.residence_until = date
    person.household = None
    person.save(update_fields=["moved_out_on", "residence_until", "household", "updated_at"])
    note = destination[:200]
    if household is not None and household.head_id == person.pk:
        household.head = None
        household.save(update_fields=["head", "updated_at"])
        note = f"{note} — {_('Hộ cần chọn chủ hộ mới.')}".strip(" —")
    _history(
        actor,
        Event.MOVE_OUT,
        commune=person.commune,
        person=person,
        household=household,
        changes={"household": (old_number, None), "moved_out_on": (None, date)},
        note=note,
    )
    audit.record(
        actor, "population.move_out", person, ip=ip, detail={"destination": destination[:200]}
    )
    return person


@transaction.atomic
def change_head(
    actor,
    household: Household,
    new_head: Person,
    *,
    previous_head_relationship: str = Relationship.OTHER,
    ip: str | None = None,
) -> Household:
    permissions.require(actor, "population.edit", household.commune)
    household = _lock_household(household)
    if new_head.household_id != household.pk or not new_head.is_resident:
        raise ValidationError({"head": _("Chủ hộ mới phải là thành viên đang cư trú của hộ.")})
    if previous_head_relationship not in Relationship.values or (
        previous_head_relationship == Relationship.HEAD
    ):
        raise ValidationError({"previous_head_relationship": _("Quan hệ không hợp lệ.")})
    old_head = household.head
    if old_head is not None and old_head.pk == new_head.pk:
        raise ValidationError({"head": _("Người này đã là chủ hộ.")})
    if old_head is not None:
        old_rel = old_head.relationship
        old_head.relationship = previous_head_relationship
        old_head.save(update_fields=["relationship", "updated_at"])
        _history(
            actor,
            Event.CHANGE_HEAD,
            commune=household.commune,
            person=old_head,
            household=household,
            changes={"relationship": (old_rel, previous_head_relationship)},
        )
    rel = new_head.relationship
    new_head.relationship = Relationship.HEAD
    new_head.save(update_fields=["relationship", "updated_at"])
    household.head = new_head
    household.save(update_fields=["head", "updated_at"])
    _history(
        actor,
        Event.CHANGE_HEAD,
        commune=household.commune,
        person=new_head,
        household=household,
        changes={
            "relationship": (rel, Relationship.HEAD),
            "head": (old_head.full_name if old_head else None, new_head.full_name),
        },
    )
    audit.record(
        actor,
        "population.change_head",
        household,
        ip=ip,
        detail={"old_head": old_head.pk if old_head else None, "new_head": new_head.pk},
    )
    return household


@transaction.atomic
def split_household(
    actor,
    household: Household,
    *,
    members: Iterable[Person],
    new_number: str,
    head: Person,
    village: Village | None = None,
    address: str = "",
    ip: str | None = None,
) -> Household:
    """Some members leave ``household`` to form a new one headed by ``head``."""
    permissions.require(actor, "population.edit", household.commune)
    household = _lock_household(household)
    members = list(members)
    ids = {m.pk for m in members}
    if head.pk not in ids:
        ids.add(head.pk)
        members.append(head)
    rows = list(Person.objects.select_for_update().filter(pk__in=ids))
    if len(rows) != len(ids) or any(
        p.household_id != household.pk or not p.is_resident for p in rows
    ):
        raise ValidationError({"members": _("Chỉ tách được thành viên đang cư trú của hộ.")})
    remaining = Person.objects.filter(household=household, alive=True, moved_out_on=None).exclude(
        pk__in=ids
    )
    if not remaining.exists():
        raise ValidationError({"members": _("Phải còn ít nhất một người ở lại hộ cũ.")})
    if household.head_id in ids:
        raise ValidationError(
            {"members": _("Chủ hộ cũ không tách đi được; hãy thay đổi chủ hộ trước.")}
        )
    number = " ".join((new_number or "").split())[:30]
    if not number:
        raise ValidationError({"new_number": _("Vui lòng nhập số hộ mới.")})
    if Household.objects.filter(commune=household.commune, number=number).exists():
        raise ValidationError({"new_number": _("Số hộ này đã có.")})
    village = village or household.village
    _require_same_commune(household, village)
    new = Household.objects.create(
        commune=household.commune,
        number=number,
        village=village,
        address=(address or household.address)[:255],
    )
    for p in rows:
        rel = p.relationship
        p.household = new
        if p.pk == head.pk:
            p.relationship = Relationship.HEAD
        p.save(update_fields=["household", "relationship", "updated_at"])
        _history(
            actor,
            Event.SPLIT,
            commune=household.commune,
            person=p,
            household=new,
            changes={
                "household": (household.number, new.number),
                **({"relationship": (rel, p.relationship)} if rel != p.relationship else {}),
            },
        )
    new.head_id = head.pk
    new.save(update_fields=["head", "updated_at"])
    audit.record(
        actor,
        "population.split",
        new,
        ip=ip,
        detail={"from": household.number, "members": sorted(ids)},
    )
    return new


@transaction.atomic
def merge_households(actor, source: Household, target: Household, *, ip: str | None = None):
    """Every member of ``source`` joins ``target``; ``source`` is closed."""
    permissions.require(actor, "population.edit", target.commune)
    _require_same_commune(source, target)
    if source.pk == target.pk:
        raise ValidationError(_("Không thể nhập một hộ vào chính nó."))
    # Lock both in id order, so two opposite merges cannot deadlock.
    locked = {
        h.pk: h
        for h in Household.objects.select_for_update()
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    if not source.active or not target.active:
        raise ValidationError(_("Hộ này không còn hiệu lực."))
    moved = list(Person.objects.select_for_update().filter(household=source))
    for p in moved:
        rel = p.relationship
        p.household = target
        if rel == Relationship.HEAD:
            p.relationship = Relationship.OTHER
        p.save(update_fields=["household", "relationship", "updated_at"])
        _history(
            actor,
            Event.MERGE,
            commune=target.commune,
            person=p,
            household=target,
            changes={
                "household": (source.number, target.number),
                **({"relationship": (rel, p.relationship)} if rel != p.relationship else {}),
            },
        )
    source.active = False
    source.head = None
    source.save(update_fields=["active", "head", "updated_at"])
    audit.record(
        actor,
        "population.merge",
        target,
        ip=ip,
        detail={"from": source.number, "members": [p.pk for p in moved]},
    )
    return target


@transaction.atomic
def update_person(actor, person: Person, *, ip: str | None = None, **changes) -> Person:
    """Correct a person's data; each changed field is kept in the history."""
    permissions.require(actor, "population.edit", person.commune)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if (
        "relationship" in changes
        and (
            changes["relationship"] == Relationship.HEAD or person.relationship == Relationship.HEAD
        )
        and changes["relationship"] != person.relationship
    ):
        raise ValidationError({"relationship": _("Dùng chức năng thay đổi chủ hộ để đổi chủ hộ.")})
    data = clean_person(changes, instance=person)
    diff = {k: (getattr(person, k), v) for k, v in data.items() if getattr(person, k) != v}
    if not diff:
        return person
    for key, (_old, new) in diff.items():
        setattr(person, key, new)
    person.save()
    _history(actor, Event.CORRECTION, commune=person.commune, person=person, changes=diff)
    audit.record(
        actor,
        "population.person.update",
        person,
        ip=ip,
        personal_data=True,
        detail={"fields": sorted(diff)},
    )
    return person


@transaction.atomic
def link_user(person: Person, user) -> None:
    """Attach a citizen's account to their registry row (matched by identity number)."""
    if person.user_id is None and not Person.objects.filter(user=user).exists():
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        audit.record(user, "population.person.link_account", person)
