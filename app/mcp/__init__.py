"""``reverie mcp``: the vault as a Model Context Protocol server, for other AI apps (``server.py``)."""
