"""Each tenant's own PostgreSQL role and database, made through the RDS Data API.

The tenant's task role may ``rds-db:connect`` as ``tenant_<name>``; IAM database authentication also needs
that role to exist with LOGIN and the ``rds_iam`` grant, and the tenant needs a database it owns that no
other tenant may open. saasctl makes them after the tenant's stack is up, with statements sent to the
cluster's HTTP endpoint (no network path into the private subnets is needed) as the master user, whose
password RDS keeps in Secrets Manager. Every step is safe to repeat: a second run changes nothing, and a
run that stopped half-way is completed by the next.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from saas_ctl.aws.session import AwsError, boundary
from saas_ctl.errors import SaasctlError

# The database the Data API connects to for these statements: the cluster's own initial database.
ADMIN_DATABASE = "app"
_ROLE = re.compile(r"tenant_[a-z0-9_]{1,56}")


class DatabaseError(SaasctlError):
    """A statement failed: the tenant's failure, with PostgreSQL's message."""


@dataclass(frozen=True)
class Statement:
    sql: str
    parameters: tuple[tuple[str, str], ...] = ()
    # When set, the statement runs only if this query returns no row (existence checks: PostgreSQL has no
    # CREATE ROLE / CREATE DATABASE ... IF NOT EXISTS).
    unless: Statement | None = None


def quoted(role: str) -> str:
    """The role's identifier, double-quoted; only saasctl's own ``tenant_<name>`` names are accepted."""
    if not _ROLE.fullmatch(role):
        raise ValueError(f"{role!r} is not a saasctl tenant role name")
    return f'"{role}"'


def _exists(catalog: str, column: str, role: str) -> Statement:
    return Statement(f"SELECT 1 FROM {catalog} WHERE {column} = :name", (("name", role),))


def provision_statements(role: str) -> list[Statement]:
    """LOGIN role with rds_iam, a database it owns, CONNECT revoked from PUBLIC."""
    ident = quoted(role)
    return [
        Statement(f"CREATE ROLE {ident} WITH LOGIN", unless=_exists("pg_roles", "rolname", role)),
        Statement(f"GRANT rds_iam TO {ident}"),
        # The master user (rds_superuser, not a superuser) must be a member of a role to create a database
        # owned by it.
        Statement(f"GRANT {ident} TO CURRENT_USER"),
        Statement(f"CREATE DATABASE {ident} OWNER {ident}", unless=_exists("pg_database", "datname", role)),
        # The owner keeps CONNECT; no other tenant's role can open this database.
        Statement(f"REVOKE CONNECT ON DATABASE {ident} FROM PUBLIC"),
    ]


def drop_statements(role: str) -> list[Statement]:
    """For `tenant destroy --delete-data`: the database (closing its sessions) and the role."""
    ident = quoted(role)
    return [Statement(f"DROP DATABASE IF EXISTS {ident} WITH (FORCE)"), Statement(f"DROP ROLE IF EXISTS {ident}")]


Execute = Callable[[Statement], list[list[dict[str, Any]]]]


def run(statements: list[Statement], execute: Execute) -> list[str]:
    """Run ``statements`` in order; returns the SQL of those that ran (existence checks included)."""
    ran = []
    for statement in statements:
        if statement.unless is not None:
            ran.append(statement.unless.sql)
            if execute(statement.unless):
                continue
        ran.append(statement.sql)
        execute(statement)
    return ran


@dataclass(frozen=True)
class DataApi:
    """Statements through ``rds-data:ExecuteStatement`` against one cluster, as its master user."""

    client: Any
    cluster_arn: str
    secret_arn: str
    database: str = ADMIN_DATABASE

    def __call__(self, statement: Statement) -> list[list[dict[str, Any]]]:
        try:
            with boundary(statement.sql):
                answer = self.client.execute_statement(
                    resourceArn=self.cluster_arn,
                    secretArn=self.secret_arn,
                    database=self.database,
                    sql=statement.sql,
                    parameters=[{"name": n, "value": {"stringValue": v}} for n, v in statement.parameters],
                )
        except AwsError as exc:
            raise DatabaseError(f"{statement.sql}: {exc.answer}") from None
        records: list[list[dict[str, Any]]] = answer.get("records") or []
        return records
