"""Security registry entries of the language API (see core/tests/route_registry.py)."""

from parvis.core.tests.route_registry import Operation

API_OPERATIONS = {
    ("POST", "/api/v1/language/anonymise"): Operation(
        "authenticated", body=lambda w, k: {"texts": [{"id": 1, "text": "Tél. 06 12 34 56 78"}]}
    ),
    ("POST", "/api/v1/language/qualify"): Operation(
        "authenticated", body=lambda w, k: {"texts": [{"id": 1, "text": "Mon RSA n'est pas versé"}]}
    ),
}
