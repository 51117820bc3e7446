"""The service layer, the one place policy lives: what each command does (preflight or warn, when to ask, which
operations run in which order) over the stack operations (``saas_ctl.stacks``). A command declares its
options, calls one function here with an Interaction (how to talk to whoever runs it), and hands the Outcome
to its console; the commands that only look call the read models in ``inventory``."""
