from django_tasks import task


@task()
def send_document_email_task(document_id: int, address: str) -> None:
    """Send an issued document by e-mail, off the request path."""
    from xaso.documents.services import send_document_email

    send_document_email(document_id, address)


@task()
def document_reminders_task() -> dict:
    """Remind handlers of deadlines (run every hour by the scheduler)."""
    from xaso.documents.services import send_reminders

    return send_reminders()
