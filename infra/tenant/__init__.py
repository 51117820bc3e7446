"""The tenant stack: one per tenant, a pure function of (tenant settings, platform spec, platform outputs)."""
