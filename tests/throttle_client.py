"""One 'web worker' for tests/test_throttling.py: a separate process that makes API requests
with a token through the whole Django stack and prints how many were answered 200 and 429.

Usage: python tests/throttle_client.py TOKEN REQUESTS  (DATABASE_URL, REDIS_URL, API_THROTTLE_USER
from the environment, as a real worker would read them)."""

import json
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")


def main(token: str, requests: int) -> None:
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    answers = Counter(client.get("/api/v1/ratings/").status_code for _ in range(requests))
    print(json.dumps({str(code): n for code, n in answers.items()}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
