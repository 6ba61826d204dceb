from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from parvis.directory.models import Organisation


def organisation_list(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/organisation_list.html",
                  {"title": "Annuaire", "organisations": Organisation.objects.filter(is_active=True)})
