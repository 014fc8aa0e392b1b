import os

from django.core.management.base import BaseCommand

from factcheck.demo import USERNAMES, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo: users editor, editor2, reviewer, reviewer2, cms and the superuser admin (password from "
        "DEMO_PASSWORD, else generated and printed) and the Panjshir article. Safe to run again."
    )

    def handle(self, *args, **options):
        given = os.environ.get("DEMO_PASSWORD") or None
        report = load_demo(password=given)
        for username, secret in report.passwords.items():
            state = "created" if username in report.created_users else "password set"
            shown = "(from DEMO_PASSWORD)" if given else secret
            self.stdout.write(f"  {username:<10} {state:<13} password: {shown}")
        untouched = [u for u in USERNAMES if u not in report.passwords]
        if untouched:
            self.stdout.write(f"  unchanged: {', '.join(untouched)} (set DEMO_PASSWORD to reset their passwords)")
        if report.article_created:
            self.stdout.write(f"  imported “{report.article.title}” with {report.claims_suggested} suggested claims")
        else:
            self.stdout.write(f"  already there: “{report.article.title}”")
        self.stdout.write(self.style.SUCCESS("Demo loaded. Log in at /accounts/login/."))
