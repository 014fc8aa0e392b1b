import glob
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from factcheck.library import sources, store


class Command(BaseCommand):
    help = (
        "Add fact-checks to the library from files (ClaimReview .json, .jsonl, .csv with columns claim, rating, url, "
        "publisher, date, title, language; globs allowed) or http(s) URLs (a fact-check page with ClaimReview "
        "JSON-LD, or a ClaimReview feed). Prints N created, N duplicate, N failed; exits non-zero when any failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="SOURCE", help="file, glob or http(s) URL")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument("--quiet", action="store_true", help="print only failures and the summary")

    def _expand(self, given: list[str]) -> list[str]:
        expanded = []
        for source in given:
            if source.startswith(("http://", "https://")) or not glob.has_magic(source):
                expanded.append(source)
            else:
                expanded.extend(sorted(glob.glob(source, recursive=True)) or [source])
        return expanded

    def _run_one(self, source: str) -> list[store.ItemResult]:
        if source.startswith(("http://", "https://")):
            return sources.import_url(source)
        path = Path(source)
        if not path.is_file():
            return [store.ItemResult(store.FAILED, source, "No such file.")]
        return sources.import_path(path)

    def handle(self, *args, **options):
        given = self._expand(options["sources"])
        totals = {store.CREATED: 0, store.DUPLICATE: 0, store.FAILED: 0}
        bar = tqdm(given, unit="source", disable=len(given) < 2 or options["no_progress"], file=self.stderr._out)
        for source in bar:
            for result in self._run_one(source):
                totals[result.outcome] += 1
                line = f"{result.outcome:<9} {source} {result.position}: {result.message}"
                if result.outcome == store.FAILED:
                    self.stderr.write(line)
                elif not options["quiet"]:
                    self.stdout.write(line)
        summary = f"{totals[store.CREATED]} created, {totals[store.DUPLICATE]} duplicate, {totals[store.FAILED]} failed"
        if totals[store.FAILED]:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
