from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from stores.models import User
from stores.services import user_anonymize


class Command(BaseCommand):
    help = "Anonymize a departed user: name, e-mail and login are removed, their visits and all statistics stay."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        visits = user.visits.count()
        user_anonymize(user=user)
        self.stdout.write(
            self.style.SUCCESS(f"{username} is now {user.username}: can no longer log in; {visits} visits kept.")
        )
