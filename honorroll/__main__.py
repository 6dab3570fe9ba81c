import sys

from honorroll.cli.main import main

sys.exit(main())
