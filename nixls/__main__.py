"""`python -m nixls` runs the CLI (the server by default)."""

import sys

from nixls.cli import main

sys.exit(main())
