import glob
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from factcheck import importing
from factcheck.models import Article


class Command(BaseCommand):
    help = (
        "Import articles from files (.txt, .md, .html, .json, .jsonl; globs allowed) or http(s) URLs. "
        "Prints what happened to each and exits non-zero when any failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="SOURCE", help="file, glob or http(s) URL")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def _expand(self, sources: list[str]) -> list[str]:
        expanded = []
        for source in sources:
            if source.startswith(("http://", "https://")):
                expanded.append(source)
                continue
            matches = sorted(glob.glob(source, recursive=True)) if glob.has_magic(source) else [source]
            expanded.extend(matches or [source])
        return expanded

    def _run_one(self, source: str) -> list[importing.ImportResult]:
        if source.startswith(("http://", "https://")):
            return [importing.import_url(source, source=Article.Source.URL)]
        path = Path(source)
        if not path.is_file():
            return [importing.ImportResult.failed(source, "No such file.")]
        try:
            raw = path.read_bytes()
        except OSError as error:
            return [importing.ImportResult.failed(source, f"Cannot read the file: {error.strerror}.")]
        return importing.import_file(path.name, raw, source=Article.Source.UPLOAD)

    def handle(self, *args, **options):
        sources = self._expand(options["sources"])
        show_bar = len(sources) > 1 and not options["no_progress"]
        counts: Counter[str] = Counter()
        failures = []
        for source in tqdm(sources, unit="source", disable=not show_bar, file=self.stderr._out):
            for result in self._run_one(source):
                counts[result.outcome] += 1
                line = f"{result.outcome:<9} {result.label}: {result.message}"
                if result.outcome == importing.FAILED:
                    failures.append(line)
                    self.stderr.write(line)
                else:
                    self.stdout.write(line)
        summary = (
            f"{counts[importing.CREATED]} created, {counts[importing.DUPLICATE]} duplicate, "
            f"{counts[importing.FAILED]} failed"
        )
        if failures:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
