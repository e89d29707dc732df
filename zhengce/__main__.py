"""``python -m zhengce`` runs the command line."""

from zhengce.cli import main

raise SystemExit(main())
