"""The demo seeder makes documents in every stage, signed with the demo certificates."""

import pytest
from django.utils import timezone

from xaso.documents.models import Direction, Document, Status

pytestmark = pytest.mark.dates


def test_the_demo_has_documents_in_every_stage_and_runs_twice(commune_a, commune_b):
    from xaso.documents.demo import seed
    from xaso.signatures.demo import seed as seed_signatures

    seed_signatures(now=timezone.now())
    result = seed(now=timezone.now())
    statuses = set(Document.objects.filter(commune=commune_a).values_list("status", flat=True))
    assert {Status.REGISTERED, Status.ASSIGNED, Status.HANDLED} <= statuses
    assert {Status.DRAFT, Status.SUBMITTED, Status.ISSUED} <= statuses
    assert result["signed"] is True
    issued = Document.objects.get(commune=commune_a, status=Status.ISSUED)
    assert issued.symbol == "01/UBND-VP" and issued.signatures == 2
    # Issued to Xã Hà Long on the platform: it arrived in its incoming register.
    arrived = Document.objects.get(commune=commune_b, direction=Direction.INCOMING)
    assert arrived.source_document == issued and arrived.arrival_number == 1
    count = Document.objects.count()
    seed(now=timezone.now())
    assert Document.objects.count() == count
