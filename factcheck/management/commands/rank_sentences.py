from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from factcheck.detection import transcripts


class Command(BaseCommand):
    help = (
        "Score every line of transcripts (CLEF CheckThat! TSV: line<TAB>speaker<TAB>text[<TAB>label], or "
        "“SPEAKER: text” lines) for check-worthiness and write line<TAB>score, one line each, as the lab's "
        "scorer reads it. One file: to standard output; with --output-dir, FILE.scores for each file."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--output-dir", type=Path, help="write NAME.scores here for each FILE")

    def handle(self, *args, **options):
        files = [Path(name) for name in options["files"]]
        out_dir = options["output_dir"]
        if len(files) > 1 and out_dir is None:
            raise CommandError("Give --output-dir to rank several files (one ranking a file).")
        if out_dir is not None and not out_dir.is_dir():
            raise CommandError(f"{out_dir}: no such directory.")
        rankings = []
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
            try:
                text = path.read_text(encoding="utf-8-sig")
                lines = transcripts.parse(text)
            except UnicodeDecodeError:
                raise CommandError(f"{path}: not a UTF-8 text file.") from None
            except transcripts.NotATranscript as error:
                raise CommandError(f"{path}: {error}") from None
            scores = transcripts.score_lines(lines)
            rankings.append(
                (path, "".join(f"{line.number}\t{s.value:.6f}\n" for line, s in zip(lines, scores, strict=True)))
            )
        for path, ranking in rankings:
            if out_dir is None:
                self.stdout.write(ranking, ending="")
            else:
                (out_dir / f"{path.name}.scores").write_text(ranking, encoding="utf-8")
                self.stderr.write(f"{path}: {ranking.count(chr(10))} lines ranked")
