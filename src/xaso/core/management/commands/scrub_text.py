from django.core.management.base import BaseCommand

from xaso.core.storable import stored_offenders


class Command(BaseCommand):
    help = (
        "Tìm (và với --sua, sửa) các chuỗi đã lưu trước quy tắc ký tự: ký tự điều khiển, "
        "ký tự thay thế lẻ (surrogate) được thay bằng “�”. Chạy một lần sau khi nâng cấp."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sua", action="store_true", help="Sửa thật (mặc định chỉ đếm, không ghi gì)."
        )

    def handle(self, *args, **options):
        repair = options["sua"]
        counts = stored_offenders(repair=repair)
        for label, n in counts.items():
            self.stdout.write(f"  {label}: {n}")
        total = sum(counts.values())
        if repair and total:
            from xaso.audit import services as audit

            audit.record(None, "core.text.scrubbed", None, detail=counts)
            self.stdout.write(self.style.SUCCESS(f"Đã sửa {total} dòng."))
        elif total:
            self.stdout.write(f"{total} dòng cần sửa: chạy lại với --sua.")
        else:
            self.stdout.write(self.style.SUCCESS("Không có chuỗi nào cần sửa."))
