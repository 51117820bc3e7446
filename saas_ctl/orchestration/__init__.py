"""Running stack operations: the session a command runs with, and the orchestrator that runs one operation
over many stacks (bounded parallelism, lock retries, cancellation)."""
