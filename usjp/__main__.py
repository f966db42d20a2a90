"""`python -m usjp ...`: see usjp.cli."""

import sys

from usjp.cli import main

sys.exit(main())
