"""Entry points (the window and the command line) and the composition root."""
