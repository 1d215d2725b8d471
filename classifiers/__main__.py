"""``python -m classifiers train|score|evaluate ...``."""

import sys

from classifiers.cli import main

sys.exit(main())
