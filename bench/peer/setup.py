"""Prepare the peer's database: migrate, the stores given on stdin (one code a line), and N users
with API tokens; prints {"tokens": [...]}.

    DJANGO_SETTINGS_MODULE=bench.peer.settings PEER_DATABASE_URL=... python -m bench.peer.setup 100 < codes
"""

from __future__ import annotations

import json
import sys

import django


def main() -> None:
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from bench.peer.models import Store

    call_command("migrate", "--noinput", verbosity=0)
    codes = [line.strip() for line in sys.stdin if line.strip()]
    Store.objects.bulk_create([Store(code=code, name=code, city="Bench") for code in codes], ignore_conflicts=True)
    tokens = []
    for number in range(1, int(sys.argv[1]) + 1):
        user, _ = User.objects.get_or_create(username=f"peer-observer-{number}")
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    print(json.dumps({"tokens": tokens}))


if __name__ == "__main__":
    main()
