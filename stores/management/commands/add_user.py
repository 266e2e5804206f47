from __future__ import annotations

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from stores.models import Region, Role, Store, User
from stores.roles import scope_of
from stores.services import user_apply_role


class Command(BaseCommand):
    help = (
        "Create (or update) a user with a role and scope. The password comes from OASIS_PASSWORD or a prompt. "
        "Shoppers and managers take --store, supervisors --region, head office neither."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help="shopper, supervisor, manager or head_office")
        parser.add_argument("--store", action="append", default=[], metavar="CODE", help="store code (repeatable)")
        parser.add_argument("--region", action="append", default=[], metavar="CODE", help="region code (repeatable)")
        parser.add_argument("--email", default="")
        parser.add_argument("--language", default="de", choices=["de", "en"])

    def handle(self, *args, username: str, role: str, store: list[str], region: list[str], **options):
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.")
        scope = scope_of(role)
        if store and scope != "stores":
            raise CommandError(f"--store is for shoppers and managers, not for {role}.")
        if region and scope != "regions":
            raise CommandError(f"--region is for supervisors, not for {role}.")
        stores = self._lookup(Store, store, "store")
        regions = self._lookup(Region, region, "region")
        if scope == "stores" and not stores:
            raise CommandError(f"A {role} needs at least one --store.")
        if scope == "regions" and not regions:
            raise CommandError("A supervisor needs at least one --region.")

        user = User.objects.filter(username=username).first()
        password = self._password(user or User(username=username, email=options["email"]))
        with transaction.atomic():
            created = user is None
            user = user or User(username=username)
            user.role = role
            user.email = options["email"] or user.email
            user.language = options["language"]
            if password:
                user.set_password(password)
            user.save()
            user.stores.set(stores)
            user.regions.set(regions)
            user_apply_role(user=user)  # admin access follows the role
        scope_text = ", ".join(s.code for s in stores) or ", ".join(r.code for r in regions) or "all stores"
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {role} {username} ({scope_text})."))

    def _lookup(self, model, codes: list[str], label: str) -> list:
        found = {obj.code: obj for obj in model.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise CommandError(f"Unknown {label} code(s): {', '.join(unknown)}.")
        return [found[code] for code in dict.fromkeys(codes)]

    def _password(self, user: User) -> str | None:
        """From OASIS_PASSWORD, else asked twice; an existing user may keep theirs (empty answer)."""
        password = os.environ.get("OASIS_PASSWORD")
        if password is None:
            password = getpass.getpass("Password: ")
            if password and password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        if not password:
            if user.pk:
                return None
            raise CommandError("A new user needs a password (OASIS_PASSWORD or the prompt).")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from None
        return password
