"""`python -m bot.meetings ARGS` is `python -m bot meetings ARGS` (which reads the environment)."""

import sys

from bot.__main__ import main

sys.exit(main(["meetings", *sys.argv[1:]]))
