"""Start the briefing-bot web chat and open it in the browser: ``python app.py`` (builds the index on first use)."""

from briefing_bot.cli import cli

if __name__ == "__main__":
    cli(["serve", "--open"], prog_name="app.py")
