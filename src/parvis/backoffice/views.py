"""Espace agents: the back office shell and a dashboard per role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from parvis.accounts.selectors import memberships_of


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "backoffice/dashboard.html",
        {"title": "Tableau de bord", "memberships": memberships_of(request.user)},
    )
