from django.core.management.base import BaseCommand

from xaso.dossiers.services import send_reminders


class Command(BaseCommand):
    help = (
        "Nhắc cán bộ khi sắp hết thời gian của bước xử lý và báo lãnh đạo hồ sơ có nguy cơ "
        "trễ hạn (mỗi cảnh báo một lần). Chạy mỗi giờ."
    )

    def handle(self, *args, **options):
        counts = send_reminders()
        self.stdout.write(f"step={counts['step']} at_risk={counts['at_risk']}")
