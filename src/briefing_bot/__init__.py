"""briefing-bot: cited, verbatim, multilingual answers about the UN Convention against Cybercrime."""

from .config import Settings, load_settings
from .errors import BriefingBotError
from .pipeline import Pipeline
from .types import Answer, Citation

__all__ = ["Answer", "BriefingBotError", "Citation", "Pipeline", "Settings", "load_settings"]
__version__ = "0.1.0"
