"""Security registry entries of the language API (see core/tests/route_registry.py)."""

from parvis.core.tests.route_registry import Operation

ANONYMISE = Operation(
    "authenticated", body=lambda w, k: {"texts": [{"id": 1, "text": "Tél. 06 12 34 56 78"}]}
)
QUALIFY = Operation(
    "authenticated", body=lambda w, k: {"texts": [{"id": 1, "text": "Mon RSA n'est pas versé"}]}
)

API_OPERATIONS = {
    ("POST", "/api/v1/langue/anonymiser"): ANONYMISE,
    ("POST", "/api/v1/langue/qualifier"): QUALIFY,
    # deprecated English aliases of the same operations
    ("POST", "/api/v1/language/anonymise"): ANONYMISE,
    ("POST", "/api/v1/language/qualify"): QUALIFY,
}
