"""The internet-facing ALB. Tenants attach host-header rules to the listener that serves traffic: HTTPS
when a certificate is given (HTTP then only redirects), else HTTP. Unmatched hosts get a fixed 404."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

# TLS 1.3 with TLS 1.2 fallback, AWS's recommended policy for ALB listeners.
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


@dataclass(frozen=True)
class LoadBalancerArgs:
    name: str
    subnet_ids: list[pulumi.Output[str]]
    security_group_id: pulumi.Input[str]
    certificate_arn: str | None
    # What must exist first though the ALB names none of it: the internet gateway and the public routes.
    after: tuple[pulumi.Resource, ...] = ()


def _not_found() -> aws.lb.ListenerDefaultActionArgs:
    return aws.lb.ListenerDefaultActionArgs(
        type="fixed-response",
        fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
            content_type="text/plain", message_body="not found", status_code="404"
        ),
    )


class LoadBalancer(pulumi.ComponentResource):
    arn: pulumi.Output[str]
    dns_name: pulumi.Output[str]
    zone_id: pulumi.Output[str]
    tenant_listener_arn: pulumi.Output[str]
    tenant_listener_protocol: str

    def __init__(self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("saasctl:platform:LoadBalancer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        alb = aws.lb.LoadBalancer(
            f"{name}-alb",
            name=args.name,
            load_balancer_type="application",
            internal=False,
            subnets=args.subnet_ids,
            security_groups=[args.security_group_id],
            drop_invalid_header_fields=True,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.after)),
        )
        if args.certificate_arn:
            redirect = aws.lb.ListenerDefaultActionArgs(
                type="redirect",
                redirect=aws.lb.ListenerDefaultActionRedirectArgs(port="443", protocol="HTTPS", status_code="HTTP_301"),
            )
            aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=alb.arn,
                port=80,
                protocol="HTTP",
                default_actions=[redirect],
                opts=child,
            )
            serving = aws.lb.Listener(
                f"{name}-https",
                load_balancer_arn=alb.arn,
                port=443,
                protocol="HTTPS",
                ssl_policy=TLS_POLICY,
                certificate_arn=args.certificate_arn,
                default_actions=[_not_found()],
                opts=child,
            )
            self.tenant_listener_protocol = "HTTPS"
        else:
            serving = aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=alb.arn,
                port=80,
                protocol="HTTP",
                default_actions=[_not_found()],
                opts=child,
            )
            self.tenant_listener_protocol = "HTTP"
        self.arn = alb.arn
        self.dns_name = alb.dns_name
        self.zone_id = alb.zone_id
        self.tenant_listener_arn = serving.arn
        self.register_outputs({"arn": self.arn, "dns_name": self.dns_name})
