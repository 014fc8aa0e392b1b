import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from factcheck import importing


class Command(BaseCommand):
    help = (
        "Queue again each URL import still queued IMPORT_QUEUE_DEADLINE seconds after it was queued or "
        "started (its worker stopped), and mark failed, with the reason, those queued IMPORT_MAX_ATTEMPTS "
        "times already. With --every SECONDS it keeps going (beside the web or task workers), or run it from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS", help="check again after this pause")

    def handle(self, *args, **options):
        every = options["every"]
        if every < 0:
            raise CommandError("--every must be a positive number of seconds.")
        while True:
            counts = importing.retry_stale_imports()
            self.stdout.write(f"{counts['retried']} queued again, {counts['failed']} failed")
            if not every:
                return
            time.sleep(every)
            close_old_connections()
