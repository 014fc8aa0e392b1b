import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

from factcheck import background, importing
from factcheck.library import sources as library_sources


class Command(BaseCommand):
    help = (
        "Import new entries of every active feed: article feeds, and the fact-check library's ClaimReview "
        "subscriptions. With --every SECONDS it keeps polling (run it like a worker); with "
        "TASKS_BACKEND=database each feed is polled by the task worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS", help="poll again after this pause")

    def poll_once(self) -> int:
        feeds: list[tuple[Any, Callable[[Any], Any]]] = [
            (feed, importing.poll_feed_now) for feed in importing.active_feeds()
        ]
        feeds += [(feed, library_sources.poll_now) for feed in library_sources.active_feeds()]
        if not feeds:
            self.stdout.write("No active feeds; add one on the import page or in the admin.")
        failed = 0
        for feed, poll_now in feeds:
            result = background.wait(poll_now(feed))  # this process runs it (thread backend): wait
            if result.is_finished and result.status != "SUCCESSFUL":
                failed += 1
                self.stderr.write(f"{feed}: polling failed; see the log.")
                continue
            outcome = result.return_value if result.is_finished else None
            if outcome is None:
                self.stdout.write(f"{feed}: queued")
            else:
                feed.refresh_from_db()
                summary = ", ".join(f"{n} {k}" for k, n in sorted(outcome.items())) or "no entries"
                self.stdout.write(f"{feed}: {summary}")
                if feed.last_error:
                    failed += 1
                    self.stderr.write(f"{feed}: {feed.last_error}")
        return failed

    def handle(self, *args, **options):
        every = options["every"]
        if every < 0:
            raise CommandError("--every must be a positive number of seconds.")
        failed = self.poll_once()
        if failed and not every:
            raise CommandError(f"{failed} feed(s) could not be read.")
        while every:
            time.sleep(every)
            if not connection.in_atomic_block:
                close_old_connections()  # a long-running poller drops stale connections
            self.poll_once()
