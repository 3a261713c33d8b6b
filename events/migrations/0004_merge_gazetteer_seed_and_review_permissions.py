"""Joins the two branches that both grew from 0002: the gazetteer seed (0003) and the
review permissions (0005). No operations."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_seed_gazetteer"),
        ("events", "0005_review_permissions"),
    ]

    operations = []
