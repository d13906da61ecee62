"""``python -m briefing_bot``: the ``briefing-bot`` command (for scripts that run it with a given Python)."""

from .cli import main

main()
