"""The service layer: what each command does, as policy (preflight or warn, when to ask, which operations run in
which order) over the lifecycle and fleet operations. A command declares its options, calls one function here
with an Interaction (how to talk to whoever runs it), and hands the Outcome to its console."""
