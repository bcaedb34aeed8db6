from django_tasks import task

from xaso.accounts.sms import send_sms


@task()
def send_sms_task(to: str, body: str) -> None:
    """Deliver one SMS through the configured transport, off the request path."""
    send_sms(to, body)
