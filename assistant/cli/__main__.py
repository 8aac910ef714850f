"""`python -m assistant.cli`."""

from assistant.cli.main import app

app()
