"""Each tenant's own PostgreSQL role and database, made through the RDS Data API, and the cluster's isolation.

The tenant's task role may ``rds-db:connect`` as ``tenant_<name>``; IAM database authentication also needs
that role to exist with LOGIN and the ``rds_iam`` grant, and the tenant needs a database it owns that no
other tenant may open. saasctl makes them before the tenant's stack is deployed (they need only the platform's
cluster, and the service's first tasks then find them), with statements sent to the cluster's HTTP endpoint (no
network path into the private subnets is needed) as the master user, whose password RDS keeps in Secrets
Manager. Every step is safe to repeat: a second run changes nothing, and a run that stopped half-way is completed
by the next.

PostgreSQL lets every role connect to every database (CONNECT is granted to PUBLIC on each database created) and,
before 15, create objects in every database's ``public`` schema; a cluster upgraded in place from 14 keeps that
grant on its databases, ``template1`` included, so new databases inherit it (PostgreSQL 15 release notes: "The
change applies to new database clusters and to newly-created databases in existing clusters. Upgrading a
cluster or restoring a database dump will preserve public's existing permissions."). So, once per cluster, both
are revoked from PUBLIC on the databases every cluster has, by what the catalogue says rather than by the
version (:func:`isolation_statements`), and on each tenant's own database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from saas_ctl.aws.session import AwsError, boundary
from saas_ctl.errors import SaasctlError

# The database the Data API connects to unless a statement names another: every PostgreSQL cluster has it. (Without
# a database, the Data API connects to one named after the secret's user, which does not exist: aws/aws-cli#8577.)
ADMIN_DATABASE = "postgres"
# The databases of every saasctl cluster besides the tenants': PostgreSQL's own, and the cluster's initial
# database (infra/platform/database.py DATABASE_NAME; a cluster restored from another's snapshot may lack it).
SHARED_DATABASES = ("template1", "postgres", "app")
# SQLSTATE 25001 active_sql_transaction: "CREATE DATABASE cannot run inside a transaction block" (PostgreSQL,
# Appendix A). The Data API reports it as "ERROR: <message>; SQLState: 25001" (DatabaseErrorException).
IN_TRANSACTION_BLOCK = "25001"
_SQLSTATE = re.compile(r"SQLState: ([0-9A-Z]{5})")
_ROLE = re.compile(r"tenant_[a-z0-9_]{1,56}")


class DatabaseError(SaasctlError):
    """A statement failed: the tenant's failure, with PostgreSQL's message (and its SQLSTATE when it gave one)."""

    def __init__(self, message: str, hint: str | None = None, sqlstate: str | None = None) -> None:
        super().__init__(message, hint)
        self.sqlstate = sqlstate


@dataclass(frozen=True)
class Statement:
    sql: str
    parameters: tuple[tuple[str, str], ...] = ()
    # When set, the statement runs only if this query returns no row (existence checks: PostgreSQL has no
    # CREATE ROLE / CREATE DATABASE ... IF NOT EXISTS; and "is it still granted?").
    unless: Statement | None = None
    database: str | None = None  # the database to run it in; None: ADMIN_DATABASE


def quoted(role: str) -> str:
    """The role's identifier, double-quoted; only saasctl's own ``tenant_<name>`` names are accepted."""
    if not _ROLE.fullmatch(role):
        raise ValueError(f"{role!r} is not a saasctl tenant role name")
    return f'"{role}"'


def _exists(catalog: str, column: str, role: str) -> Statement:
    return Statement(f"SELECT 1 FROM {catalog} WHERE {column} = :name", (("name", role),))


def _revoke_public_schema_create(database: str) -> Statement:
    """CREATE on ``database``'s public schema revoked from PUBLIC, while PUBLIC still has it."""
    still = Statement("SELECT 1 WHERE NOT has_schema_privilege('public', 'public', 'CREATE')", database=database)
    return Statement("REVOKE CREATE ON SCHEMA public FROM PUBLIC", unless=still, database=database)


def _revoke_public_connect(database: str, ident: str) -> Statement:
    """CONNECT on ``database`` revoked from PUBLIC, while PUBLIC still has it (the owner keeps it)."""
    still = Statement("SELECT 1 WHERE NOT has_database_privilege('public', :name, 'CONNECT')", (("name", database),))
    return Statement(f"REVOKE CONNECT ON DATABASE {ident} FROM PUBLIC", unless=still)


# Which of SHARED_DATABASES the cluster has.
SHARED_PRESENT = Statement(
    "SELECT datname FROM pg_database WHERE datname IN (" + ", ".join(f"'{d}'" for d in SHARED_DATABASES) + ")"
)


def isolation_statements(present: Collection[str]) -> list[Statement]:
    """Once per cluster: in each shared database it has (``present``), CREATE on the public schema and CONNECT
    revoked from PUBLIC, where PUBLIC still has them. ``template1`` first, so databases created later copy its
    schema's privileges; the schemas before CONNECT (revoking it would not stop the master user, the owner or a
    member, but each schema is reached by connecting to its database)."""
    databases = [d for d in SHARED_DATABASES if d in present]
    return [_revoke_public_schema_create(d) for d in databases] + [_revoke_public_connect(d, d) for d in databases]


def provision_statements(role: str) -> list[Statement]:
    """LOGIN role with rds_iam, a database it owns that only it can open, with no CREATE for others in it."""
    ident = quoted(role)
    return [
        Statement(f"CREATE ROLE {ident} WITH LOGIN", unless=_exists("pg_roles", "rolname", role)),
        Statement(f"GRANT rds_iam TO {ident}"),
        # The master user (rds_superuser, not a superuser) must be a member of a role to create a database owned
        # by it; on PostgreSQL 16+ it must be able to SET ROLE to it ("must be able to SET ROLE", which a plain
        # GRANT gives: SET is true by default), and CREATEROLE alone no longer gives that.
        Statement(f"GRANT {ident} TO CURRENT_USER"),
        Statement(f"CREATE DATABASE {ident} OWNER {ident}", unless=_exists("pg_database", "datname", role)),
        # The owner keeps CONNECT; no other tenant's role can open this database.
        _revoke_public_connect(role, ident),
        # A database copies template1's public schema: on a cluster that still grants CREATE there (from before
        # 15, or upgraded from it), the tenant's database did too.
        _revoke_public_schema_create(role),
    ]


def drop_statements(role: str) -> list[Statement]:
    """For `tenant destroy --delete-data`: the database (closing its sessions) and the role."""
    ident = quoted(role)
    return [Statement(f"DROP DATABASE IF EXISTS {ident} WITH (FORCE)"), Statement(f"DROP ROLE IF EXISTS {ident}")]


def sqlstate_of(answer: str) -> str | None:
    """The SQLSTATE in a Data API error ("ERROR: ...; SQLState: 25001"); for the one error saasctl reacts to, also
    from PostgreSQL's own words, in case the answer carries no code."""
    match = _SQLSTATE.search(answer)
    if match:
        return match.group(1)
    return IN_TRANSACTION_BLOCK if "cannot run inside a transaction block" in answer else None


Execute = Callable[[Statement], list[list[dict[str, Any]]]]


def run(statements: list[Statement], execute: Execute) -> list[str]:
    """Run ``statements`` in order; returns the SQL of those that ran (existence checks included).

    A statement PostgreSQL refuses inside a transaction block (SQLSTATE 25001: the Data API ran it in one) fails
    with the statements left to run by hand, as the master user with psql (README, "Tenant databases by hand")."""
    ran = []
    for index, statement in enumerate(statements):
        if statement.unless is not None:
            ran.append(statement.unless.sql)
            if execute(statement.unless):
                continue
        ran.append(statement.sql)
        try:
            execute(statement)
        except DatabaseError as exc:
            if exc.sqlstate != IN_TRANSACTION_BLOCK:
                raise
            raise DatabaseError(
                f"{exc.message} (the RDS Data API ran it inside a transaction block, where PostgreSQL refuses it); "
                f"run the rest by hand as the master user with psql, then deploy the tenant again: "
                f"{by_hand(statements[index:])}",
                hint='README, "Tenant databases by hand": where the master password is and how to reach the cluster',
                sqlstate=exc.sqlstate,
            ) from None
    return ran


def by_hand(statements: list[Statement]) -> str:
    """The statements as a psql session runs them (\\connect to another database where one names it); the
    existence checks are left out: each statement that would fail because it already happened may be skipped."""
    lines = []
    current = ADMIN_DATABASE
    for statement in statements:
        wanted = statement.database or ADMIN_DATABASE
        if wanted != current:
            lines.append(f"\\connect {wanted}")
            current = wanted
        sql = statement.sql
        for name, value in statement.parameters:
            sql = sql.replace(f":{name}", f"'{value}'")
        lines.append(f"{sql};")
    return " ".join(lines)


def isolate_cluster(execute: Execute) -> list[str]:
    """The cluster's isolation (:func:`isolation_statements`), for the shared databases it has."""
    present = {str(field.get("stringValue")) for record in execute(SHARED_PRESENT) for field in record[:1]}
    return [SHARED_PRESENT.sql, *run(isolation_statements(present), execute)]


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
                    database=statement.database or self.database,
                    sql=statement.sql,
                    parameters=[{"name": n, "value": {"stringValue": v}} for n, v in statement.parameters],
                )
        except AwsError as exc:
            raise DatabaseError(f"{statement.sql}: {exc.answer}", sqlstate=sqlstate_of(exc.answer)) from None
        records: list[list[dict[str, Any]]] = answer.get("records") or []
        return records
