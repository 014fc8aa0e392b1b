import glob
from collections import Counter
from collections.abc import Iterator
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

    def _results(self, sources: list[str]) -> Iterator[tuple[str, list[importing.ImportResult]]]:
        """Each source's results, in order. Runs of files go through ``import_files``, which reads
        the next files while one is stored; a URL is fetched on its own."""
        files: list[str] = []
        for source in [*sources, None]:  # None: the end, where the last run of files goes
            if source is not None and not source.startswith(("http://", "https://")):
                files.append(source)
                continue
            if files:
                yield from importing.import_files(map(self._read, files), source=Article.Source.UPLOAD)
                files = []
            if source is not None:
                yield source, [importing.import_url(source, source=Article.Source.URL)]

    @staticmethod
    def _read(source: str) -> tuple[str, bytes | importing.ImportFailed]:
        path = Path(source)
        if not path.is_file():
            return source, importing.ImportFailed("No such file.")
        try:
            return path.name, path.read_bytes()
        except OSError as error:
            return source, importing.ImportFailed(f"Cannot read the file: {error.strerror}.")

    def handle(self, *args, **options):
        sources = self._expand(options["sources"])
        show_bar = len(sources) > 1 and not options["no_progress"]
        counts: Counter[str] = Counter()
        failures = []
        with tqdm(total=len(sources), unit="source", disable=not show_bar, file=self.stderr._out) as progress:
            for _, results in self._results(sources):
                progress.update()
                for result in results:
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
