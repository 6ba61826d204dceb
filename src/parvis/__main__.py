"""The ``parvis`` console script: Django's manage.py for an installed parvis."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    from django.core.management import execute_from_command_line

    from parvis.startup import settings_or_exit

    settings_or_exit()

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
