from celery import shared_task

from parvis.accounts import services


@shared_task(name="parvis.accounts.tasks.purge_expired_data")
def purge_expired_data() -> dict[str, int]:
    return services.purge_expired_data()


@shared_task(
    name="parvis.accounts.tasks.send_account_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_account_email(user_id: int, kind: str) -> None:
    services.send_account_email(user_id, kind)  # type: ignore[arg-type]
