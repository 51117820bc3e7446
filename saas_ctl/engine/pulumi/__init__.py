"""PulumiEngine: stack operations through the Pulumi Automation API (``engine``), with its seams beside it:
backend, secrets provider, CLI and config (``settings``), error kinds and messages (``errors``), working
directories and the CLI processes to interrupt (``processes``), and events to progress (``progress``)."""
