from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from factcheck import checkworthiness, feedback
from factcheck.checkworthiness import training


class Command(BaseCommand):
    help = (
        "Report how editors judged the suggestions (accepted and dismissed, by score band), then retrain the "
        "check-worthiness model from those decisions plus the shipped CLEF CheckThat! training transcripts and "
        "write it to CHECKWORTHINESS_MODEL_PATH (or --output), where detection picks it up."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="where to write the model (default: CHECKWORTHINESS_MODEL_PATH)"
        )
        parser.add_argument("--report", action="store_true", help="only print the precision report; train nothing")
        parser.add_argument(
            "--min-decisions", type=int, default=1, help="refuse to retrain with fewer decisions than this (default 1)"
        )

    def handle(self, *args, **options):
        found = feedback.decisions()
        self.stdout.write("band     accepted  dismissed  precision")
        for row in feedback.precision_by_band(found):
            shown = "—" if row.precision is None else f"{row.precision:.2f}"
            self.stdout.write(f"{row.band:<8} {row.accepted:>8}  {row.dismissed:>9}  {shown:>9}")
        if options["report"]:
            return
        if len(found) < options["min_decisions"]:
            raise CommandError(
                f"Only {len(found)} decision(s) recorded; --min-decisions is {options['min_decisions']}."
            )
        output = options["output"] or Path(settings.CHECKWORTHINESS_MODEL_PATH)
        if not output.parent.is_dir():
            try:
                output.parent.mkdir(parents=True)
            except OSError as error:
                raise CommandError(f"Cannot create {output.parent}: {error.strerror}.") from None
        examples = [
            (checkworthiness.Sentence(d.text, speaker=d.speaker, attributed=bool(d.speaker)), int(d.accepted))
            for d in found
        ]
        model = training.train(examples)
        try:
            model.save(output)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        checkworthiness.reload()
        self.stdout.write(
            self.style.SUCCESS(
                f"Trained on {len(examples)} desk decision(s) and the CLEF transcripts; wrote {output}. "
                "Restart the workers so every process loads it."
            )
        )
