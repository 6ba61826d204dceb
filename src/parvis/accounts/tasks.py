from celery import shared_task

from parvis.accounts import services


@shared_task(name="parvis.accounts.tasks.purge_expired_data")
def purge_expired_data() -> dict[str, int]:
    return services.purge_expired_data()
