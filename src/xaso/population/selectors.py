"""Reads of the registry: search, duplicates, statistics and the prefill contract."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from xaso.core import permissions
from xaso.core.text import fold
from xaso.geo.selectors import _word_prefix
from xaso.population.choices import AGE_GROUPS
from xaso.population.models import Household, Person, Village

_DIGITS = re.compile(r"^\d+$")
#: Fewest trailing digits an officer may search an identity number by.
MIN_ID_SUFFIX = 4
#: Result counts stop here: counting every "Nguyễn" of a large commune would cost far
#: more than the page of 50 the officer reads.
COUNT_CAP = 1000


#: The indexed expression of migration 0002: each folded word prefixed by its commune.
NAME_VECTOR = (
    "to_tsvector('simple', regexp_replace(population_person.full_name_folded, '(\\S+)', "
    "'x' || population_person.commune_id::text || 'x\\1', 'g'))"
)


def count_capped(qs: QuerySet) -> int:
    """``min(qs.count(), COUNT_CAP + 1)`` without counting past the cap."""
    return qs.order_by()[: COUNT_CAP + 1].count()


def search_persons(
    commune,
    query: str = "",
    *,
    household: str = "",
    village: Village | None = None,
    actor=None,
    include_former: bool = False,
) -> QuerySet[Person]:
    """Persons of ``commune`` matching ``query``:

    * words → accent-insensitive prefix of each word of the name ("nguyen van an");
    * 12 digits → that identity number;
    * a mobile number (0xxxxxxxxx, +84…) → that phone;
    * 4–6 digits → identity numbers ending so, only for roles that may see them.
    """
    qs = Person.objects.filter(commune=commune).select_related("household", "household__village")
    if not include_former:
        qs = qs.filter(alive=True, moved_out_on=None)
    if household:
        qs = qs.filter(household__number=household.strip())
    if village is not None:
        qs = qs.filter(household__village=village)
    text = (query or "").strip()
    compact = re.sub(r"[\s.\-]", "", text)
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    if compact and _DIGITS.match(compact):
        if len(compact) == 12:
            return qs.filter(identity_number=compact)
        if len(compact) == 10 and compact.startswith("0"):
            return qs.filter(phone=compact)
        may_see = actor is not None and permissions.has_perm(
            actor, "population.view_identity_number", commune
        )
        if may_see and MIN_ID_SUFFIX <= len(compact) <= 6:
            return qs.filter(identity_number__endswith=compact)
        return qs.none()
    words = [w for w in fold(text).split(" ") if w][:6]
    if words and connection.vendor == "postgresql":
        # Word-prefix match through the full-text GIN index of migration 0002
        # ("nguyen:* & van:* & an:*"); its statistics also give the planner honest
        # estimates for common words, which trigram LIKE patterns do not.
        terms = [re.sub(r"[^a-z0-9]", "", w) for w in words]
        terms = [t for t in terms if t]
        if not terms:
            return qs.none()
        prefix = f"x{commune.pk}x"
        qs = qs.extra(  # noqa: S610 - constant SQL, the terms are a bound parameter
            where=[f"{NAME_VECTOR} @@ to_tsquery('simple', %s)"],
            params=[" & ".join(f"{prefix}{t}:*" for t in terms)],
        )
    else:
        for word in words:
            qs = qs.filter(_word_prefix("full_name_folded", word))
    return qs.order_by("full_name_folded", "id")


def search_page(qs: QuerySet, *, offset: int = 0, limit: int = 50) -> tuple[list, int, bool]:
    """One page of a search, its count (capped) and whether the cap was hit.

    One pass over the index: the ids and folded names of at most ``COUNT_CAP + 1``
    matches, sorted here, then the page's rows by primary key. Beyond the cap the
    page comes in id order: sorting hundreds of thousands of "Nguyễn" by name to show
    50 of them would be the slow part, and the officer refines the query anyway.
    """
    keys = list(qs.order_by().values_list("full_name_folded", "id")[: COUNT_CAP + 1])
    capped = len(keys) > COUNT_CAP
    keys.sort(key=(lambda k: k[1]) if capped else None)
    ids = [pk for _name, pk in keys[offset : offset + limit]]
    rows = qs.order_by().in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows], min(len(keys), COUNT_CAP), capped


def possible_duplicates(person: Person) -> QuerySet[Person]:
    """Other persons with the same identity number, or the same name, date of birth and
    village (how the same person usually gets in twice from two spreadsheets)."""
    match = Q(full_name_folded=fold(person.full_name), date_of_birth=person.date_of_birth)
    if person.household_id:
        match &= Q(household__village_id=person.household.village_id)
    if person.identity_number:
        match |= Q(identity_number=person.identity_number)
    return Person.objects.filter(commune=person.commune).filter(match).exclude(pk=person.pk)


def duplicate_groups(commune, limit: int = 100) -> list[dict]:
    """Groups of residents sharing name + date of birth + village in one commune."""
    rows = (
        Person.objects.filter(commune=commune, alive=True, moved_out_on=None)
        .values("full_name_folded", "date_of_birth", "household__village_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("full_name_folded")[:limit]
    )
    return list(rows)


def _age_group(age: int) -> str:
    for label, low, high in AGE_GROUPS:
        if age >= low and (high is None or age <= high):
            return label
    return AGE_GROUPS[-1][0]


def population_stats(commune, *, on: dt.date | None = None) -> dict:
    """Residents per village by age group and sex, and households: counts only.

    Aggregated in the database by date of birth and sex, so the figures never
    pass through a list of persons.
    """
    on = on or timezone.localdate()
    villages = {v.pk: v for v in Village.objects.filter(commune=commune)}
    per_village: dict = {
        pk: {"male": 0, "female": 0, "age_groups": {g[0]: {"M": 0, "F": 0} for g in AGE_GROUPS}}
        for pk in [*villages, None]
    }
    rows = (
        Person.objects.filter(commune=commune, alive=True, moved_out_on=None)
        .values("household__village_id", "date_of_birth", "sex")
        .annotate(n=Count("id"))
    )
    for row in rows.iterator(chunk_size=5000):
        bucket = per_village.setdefault(
            row["household__village_id"],
            {"male": 0, "female": 0, "age_groups": {g[0]: {"M": 0, "F": 0} for g in AGE_GROUPS}},
        )
        dob = row["date_of_birth"]
        age = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
        sex = row["sex"] if row["sex"] in ("M", "F") else "M"
        bucket["age_groups"][_age_group(max(age, 0))][sex] += row["n"]
        bucket["male" if sex == "M" else "female"] += row["n"]
    households = dict(
        Household.objects.filter(commune=commune, active=True)
        .values_list("village_id")
        .annotate(n=Count("id"))
    )
    result = []
    for pk, bucket in per_village.items():
        village = villages.get(pk)
        if village is None and not (bucket["male"] or bucket["female"]):
            continue
        result.append(
            {
                "village": village.name if village else "",
                "kind": village.kind if village else "",
                "population": bucket["male"] + bucket["female"],
                "male": bucket["male"],
                "female": bucket["female"],
                "households": households.get(pk, 0),
                "age_groups": [
                    {"group": label, "male": counts["M"], "female": counts["F"]}
                    for label, counts in bucket["age_groups"].items()
                ],
            }
        )
    result.sort(key=lambda r: fold(r["village"]))
    return {
        "commune": commune.code_str,
        "on": on,
        "population": sum(r["population"] for r in result),
        "households": sum(r["households"] for r in result),
        "villages": result,
    }


def population_count(commune) -> int:
    return Person.objects.filter(commune=commune, alive=True, moved_out_on=None).count()


# --- Prefill: the contract the one-stop forms use ----------------------------------------

#: Registry fields a form may declare. Each maps to how it is read from a Person.
PREFILL_FIELDS = {
    "full_name": lambda p: p.full_name,
    "date_of_birth": lambda p: p.date_of_birth,
    "sex": lambda p: p.sex,
    "identity_number": lambda p: p.identity_number or "",
    "ethnicity": lambda p: p.ethnicity,
    "phone": lambda p: p.phone,
    "email": lambda p: p.email,
    "village": lambda p: p.household.village.name if p.household_id else "",
    "address": lambda p: _address(p),
    "household_number": lambda p: p.household.number if p.household_id else "",
    "household_head": lambda p: (
        p.household.head.full_name if p.household_id and p.household.head_id else ""
    ),
    "residence_status": lambda p: p.residence_status,
    "commune_code": lambda p: p.commune.code_str,
}


def _address(p: Person) -> str:
    if not p.household_id:
        return ""
    parts = [p.household.address, p.household.village.name]
    return ", ".join(part for part in parts if part)


def person_for_user(user) -> Person | None:
    """The registry row of a signed-in citizen: linked to the account, or matched by
    the identity number of their citizen profile."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    qs = Person.objects.select_related(
        "commune", "household", "household__village", "household__head"
    )
    person = qs.filter(user=user).first()
    if person is None:
        from xaso.accounts.models import CitizenProfile

        number = (
            CitizenProfile.objects.filter(user=user)
            .values_list("identity_number", flat=True)
            .first()
        )
        if number:
            person = qs.filter(identity_number=number).first()
    return person


def prefill(person: Person | None, fields) -> dict:
    """The declared registry ``fields`` of ``person`` (unknown names raise KeyError)."""
    unknown = set(fields) - PREFILL_FIELDS.keys()
    if unknown:
        raise KeyError(f"unknown registry fields: {sorted(unknown)}")
    if person is None:
        return {}
    return {name: PREFILL_FIELDS[name](person) for name in fields}


def prefill_for_user(user, fields=None) -> dict:
    """What the registry already knows about a signed-in citizen, for a form to prefill."""
    return prefill(person_for_user(user), fields or list(PREFILL_FIELDS))
