from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from demo.work import seed_work
from stores.models import User


class Command(BaseCommand):
    help = (
        "After seed_demo: action plans in every state, a published wave with the demo shopper's assignments, "
        "questions, reviewed notes and photos; then the scheduled work is run once. Idempotent."
    )

    def handle(self, *args, **options):
        if not User.objects.filter(username__in=["head", "supervisor", "manager", "shopper"]).count() == 4:
            raise CommandError("Run seed_demo first: the demo logins are missing.")
        done = seed_work()
        for line in done.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Demo work in progress is in place."))
