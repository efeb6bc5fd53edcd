import sys

from suiji.cli import main

sys.exit(main())
