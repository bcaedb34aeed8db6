import csv

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xaso.geo.models import Commune, LegacyName


class Command(BaseCommand):
    help = (
        "Nạp bảng sắp xếp đơn vị hành chính (CSV: old_name,old_context,new_commune_code) "
        "để tìm được xã theo tên cũ."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_path")
        parser.add_argument("--source", default="")

    def handle(self, csv_path, source="", **options):
        communes = {c.code: c for c in Commune.objects.all()}
        rows, errors = [], []
        with open(csv_path, encoding="utf-8-sig", newline="") as fh:
            for line_no, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    code = int(row["new_commune_code"])
                    commune = communes[code]
                    name = row["old_name"].strip()
                    if not name:
                        raise ValueError("old_name")
                except (KeyError, ValueError) as exc:
                    errors.append(f"dòng {line_no}: {exc}")
                    continue
                rows.append(
                    LegacyName(
                        name=name,
                        context=row.get("old_context", "").strip(),
                        commune=commune,
                        source=source or csv_path,
                    )
                )
        if errors:
            raise CommandError("Không nạp gì cả. Lỗi:\n" + "\n".join(errors[:50]))
        with transaction.atomic():
            for row in rows:
                row.save()
        self.stdout.write(f"Đã nạp {len(rows)} tên cũ.")
