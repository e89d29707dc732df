"""Small output helpers shared by the commands."""

from __future__ import annotations

import json
import sys


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def units_str(units) -> str:
    return "、".join(f"{u.name}{'(牵头)' if u.role == 'lead' else ''}" for u in units)
