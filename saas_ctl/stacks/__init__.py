"""Stacks: which Pulumi stacks a spec maps to and what their programs are built from (``targets``,
``inputs``), what is deployed (``state``), the refusals of unsafe states (``guards``), and the operations
that run on them (``operations``, ``destroy``, ``fleet``)."""
