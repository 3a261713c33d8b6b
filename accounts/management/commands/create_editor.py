"""Create the first editor account, printing its login once (when it is created)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create an editor account if it does not exist yet and print its login once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="editor")
        parser.add_argument("--password", required=True)

    def handle(self, *args, username: str, password: str, **options) -> None:
        users = get_user_model()
        if users.objects.filter(username=username).exists():
            self.stdout.write(
                f"Editor account '{username}' already exists "
                f"(change its password with: manage.py changepassword {username})"
            )
            return
        users.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Editor login (shown once): username {username}  password {password}"
            )
        )
