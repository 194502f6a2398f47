import sys

from ordspec.cli import main

sys.exit(main())
