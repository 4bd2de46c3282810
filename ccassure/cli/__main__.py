"""`python -m ccassure.cli`: the command line."""

import sys

from ccassure.cli import main

sys.exit(main())
