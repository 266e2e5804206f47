from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.personal_data import personal_data_erase
from stores.models import User


class Command(BaseCommand):
    help = (
        "Erase what Service Oasis holds that identifies, locates or contacts a person, in every app "
        "(name, e-mail, log-in, devices, positions, photos, e-mails to them...); the figures stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        erased = personal_data_erase(user=user)
        details = ", ".join(f"{name} {count}" for name, count in erased.items() if count)
        self.stdout.write(
            self.style.SUCCESS(f"{username} is now {user.username}; erased: {details or 'nothing else'}.")
        )
