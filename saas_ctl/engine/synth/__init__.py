"""SynthEngine: the real programs run under Pulumi mocks (``engine``), deploying nothing; the mocks answer like
AWS would name and identify what is created (``mocks``). Used by `saasctl plan`, the infra tests and
``SAASCTL_ENGINE=synth``."""
