"""The Typer command-line interface: parses options, calls one service function, renders its result."""
