"""Create the first editor account, printing its login once (when it is created).

The account stays a superuser: on a fresh install it is the only account, and someone must
be able to add the next editors and manage feeds and users. It also joins the Editor and
Reviewer groups, so taking the superuser flag away later leaves a working reviewer.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import ROLES


class Command(BaseCommand):
    help = "Create an editor account if it does not exist yet and print its login once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="editor")
        parser.add_argument("--password", required=True)

    def handle(self, *args, username: str, password: str, **options) -> None:
        groups = list(Group.objects.filter(name__in=ROLES))
        if len(groups) != len(ROLES):
            raise CommandError(f"groups {', '.join(ROLES)} are missing; run migrate first")
        users = get_user_model()
        user = users.objects.filter(username=username).first()
        if user is not None:
            user.groups.add(*groups)
            self.stdout.write(
                f"Editor account '{username}' already exists "
                f"(change its password with: manage.py changepassword {username})"
            )
            return
        user = users.objects.create_superuser(username=username, email="", password=password)
        user.groups.add(*groups)
        self.stdout.write(
            self.style.SUCCESS(
                f"Editor login (shown once): username {username}  password {password}"
            )
        )
