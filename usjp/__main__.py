"""`python -m usjp ...`: see usjp/cli/."""

import sys

try:
    from usjp.cli import main

    sys.exit(main())
except KeyboardInterrupt:  # Ctrl-C before a command installed its own handling (e.g. while importing)
    print("interrupted: nothing was written; the stored data is unchanged", file=sys.stderr)
    sys.exit(130)
