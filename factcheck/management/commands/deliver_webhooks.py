import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.db.models import Count, Q

from factcheck import webhooks
from factcheck.models import WebhookDelivery


class Command(BaseCommand):
    help = (
        "Attempt every webhook delivery that is due (first attempts and retries), once. With --every SECONDS "
        "it keeps going, like a worker: needed when the task backend cannot defer retries, and a safety net "
        "for retries lost with a crashed worker. Failed attempts are recorded, not fatal."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, metavar="SECONDS", help="run again after this pause")
        parser.add_argument("--limit", type=int, default=100, help="deliveries per batch (default 100)")

    def run_once(self, limit: int) -> int:
        made = 0
        while True:
            batch = webhooks.deliver_due(limit=limit)
            made += batch
            if batch < limit:
                break
        if made or self.verbosity > 1:
            counts = WebhookDelivery.objects.aggregate(
                pending=Count("pk", filter=Q(state=WebhookDelivery.State.PENDING)),
                failed=Count("pk", filter=Q(state=WebhookDelivery.State.FAILED)),
            )
            self.stdout.write(
                f"{made} attempt(s) made; now {counts['pending']} pending, {counts['failed']} failed in all."
            )
        return made

    def handle(self, *args, every: float, limit: int, **options):
        if every < 0:
            raise CommandError("--every must be a positive number of seconds (or 0 for a single run).")
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        self.verbosity = options.get("verbosity", 1)
        self.run_once(limit)
        try:
            while every:
                time.sleep(every)
                if not connection.in_atomic_block:  # (a test's transaction must stay open)
                    close_old_connections()  # a long-running worker drops stale connections
                self.run_once(limit)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")
