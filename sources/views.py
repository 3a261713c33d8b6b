"""The list of sources. The page of one source shows events, so it lives in events.views."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sources.models import Source

PAGE_SIZE = 100


def source_list(request: HttpRequest) -> HttpResponse:
    # Counting through the reverse name keeps this app free of imports from events.
    sources = Source.objects.only(
        "id", "title", "url", "publisher", "published", "published_precision", "status", "kind"
    ).annotate(n_citations=Count("citations"))
    page = Paginator(sources.order_by("-published", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "sources/source_list.html", {"page": page})
