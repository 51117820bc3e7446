"""saasctl: declarative tenant onboarding for multi-tenant SaaS on AWS."""

__version__ = "0.1.0"
