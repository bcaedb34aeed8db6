from django.core.management.base import BaseCommand

from xaso.documents.services import send_reminders


class Command(BaseCommand):
    help = "Nhắc hạn giải quyết văn bản đến (chạy mỗi giờ; mỗi lời nhắc chỉ gửi một lần)."

    def handle(self, *args, **options):
        counts = send_reminders()
        self.stdout.write(
            f"Đã nhắc {counts['soon']} văn bản sắp đến hạn, {counts['overdue']} văn bản quá hạn."
        )
