"""Icons, themes (qss) and prompt templates."""
