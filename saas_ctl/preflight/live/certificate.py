"""Live check of the listener's certificate: issued, and covering every tenant host."""

from __future__ import annotations

from collections.abc import Iterator

from saas_ctl.preflight.findings import Finding, error
from saas_ctl.preflight.live.context import AwsContext, error_code
from saas_ctl.spec.models import TenantsFile, resolve


def covers(pattern: str, host: str) -> bool:
    """Whether a certificate name covers ``host``: exact, or a wildcard for exactly one leftmost label."""
    pattern, host = pattern.lower(), host.lower()
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and "*" not in head and rest == pattern[2:]
    return pattern == host


def certificate(spec: TenantsFile, ctx: AwsContext, deployed: set[str] | None) -> Iterator[Finding]:
    arn = spec.platform.load_balancer.certificate_arn
    if arn is None:
        return
    path = ("platform", "load_balancer", "certificate_arn")
    try:
        cert = ctx.client("acm").describe_certificate(CertificateArn=arn)["Certificate"]
    except Exception as exc:
        if error_code(exc) == "ResourceNotFoundException":
            yield error(
                "LIVE-CERT-MISSING",
                path,
                f"certificate {arn} does not exist in {ctx.region}",
                "check the ARN and that the certificate is in the ALB's region",
            )
            return
        raise
    if cert.get("Status") != "ISSUED":
        yield error(
            "LIVE-CERT-STATUS",
            path,
            f"certificate {arn} is {cert.get('Status')}, not ISSUED",
            "complete the certificate's validation before deploying",
        )
    names = [cert.get("DomainName", ""), *cert.get("SubjectAlternativeNames", [])]
    for index, tenant in enumerate(spec.tenants):
        for position, host in enumerate(resolve(tenant, spec).hosts):
            if not any(covers(name, host) for name in names):
                yield error(
                    "LIVE-CERT-HOSTS",
                    ("tenants", index, "hosts", position) if tenant.hosts else ("tenants", index, "name"),
                    f"host {host} of tenant {tenant.name!r} is not covered by the certificate "
                    f"(it covers {', '.join(sorted(set(names)))})",
                    "add the host to the certificate or choose a host it covers",
                )
