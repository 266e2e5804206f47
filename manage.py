#!/usr/bin/env python
import os
import sys

PROGRAM = "service-oasis"


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    # Load the settings before Django does: it would swallow their refusal (a missing SECRET_KEY, a
    # malformed value) and fail later with a long traceback from whatever first needs a setting.
    try:
        settings.INSTALLED_APPS  # noqa: B018  (the first setting read loads them all)
    except ImproperlyConfigured as exc:
        print(f"{PROGRAM}: {exc}", file=sys.stderr)
        return 1
    execute_from_command_line(sys.argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
