"""``python -m albacore.cli``: the ``albacore`` command."""

import sys

from albacore.cli._main import main

sys.exit(main())
