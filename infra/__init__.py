"""Pulumi programs of saasctl: the shared platform stack and the per-tenant stack.

``infra.naming`` and ``infra.aws_limits`` are pure and cheap; the programs under ``infra.platform`` and
``infra.tenant`` import pulumi and pulumi_aws and are only loaded by commands that run them.
"""
