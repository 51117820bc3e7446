"""saasctl's own AWS calls, beside the engine's: one session factory and one error boundary (``session``), the
steps around stack operations (``hooks``: kept data before a first deploy, the database and rollout after a
deploy), and what they use: adoption, rollout, database, logs, live status, and the local emulator."""
