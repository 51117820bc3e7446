"""A tenant's PostgreSQL role and database through the RDS Data API: the statements, their idempotence
(against a recording client that keeps a catalogue, as PostgreSQL would) and the real API shape (moto)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from saas_ctl.aws.database import (
    DataApi,
    DatabaseError,
    Statement,
    drop_statements,
    isolate_cluster,
    isolation_statements,
    provision_statements,
    quoted,
    run,
)
from tests.moto_server import REGION, client

CLUSTER = "arn:aws:rds:us-east-1:123456789012:cluster:saas-dev-aurora"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-1-AbCdEf"


ROW = [[{"longValue": 1}]]


class Catalogue:
    """A recording client that keeps pg_roles, pg_database and who may CONNECT to each database and CREATE in its
    public schema, as PostgreSQL would: PUBLIC may both in every database until revoked (PostgreSQL before 15, or
    a cluster upgraded from 14: ``public_create``), and a new database copies template1's schema privileges."""

    def __init__(self, databases: tuple[str, ...] = ("template1", "postgres", "app"), public_create: bool = True):
        self.roles: set[str] = set()
        self.databases: set[str] = set(databases)
        self.public_connect: set[str] = set(databases)
        self.public_create: set[str] = set(databases) if public_create else set()
        self.sql: list[tuple[str | None, str]] = []

    def __call__(self, statement: Statement) -> list[list[dict[str, Any]]]:
        self.sql.append((statement.database, statement.sql))
        sql, where = statement.sql, statement.database or "postgres"
        assert where in self.databases, f"database {where!r} does not exist"
        words = sql.split()
        value = dict(statement.parameters).get("name")
        if sql.startswith("SELECT datname FROM pg_database"):
            return [[{"stringValue": d}] for d in sorted(self.databases) if f"'{d}'" in sql]
        if sql.startswith("SELECT 1 FROM pg_roles"):
            return ROW if value in self.roles else []
        if sql.startswith("SELECT 1 FROM pg_database"):
            return ROW if value in self.databases else []
        if "has_database_privilege('public'" in sql:
            return [] if value in self.public_connect else ROW
        if "has_schema_privilege('public'" in sql:
            return [] if where in self.public_create else ROW
        if words[:2] == ["CREATE", "ROLE"]:
            assert words[2].strip('"') not in self.roles, "role already exists"
            self.roles.add(words[2].strip('"'))
        if words[:2] == ["CREATE", "DATABASE"]:
            name = words[2].strip('"')
            assert name not in self.databases, "database already exists"
            self.databases.add(name)
            self.public_connect.add(name)
            if "template1" in self.public_create:
                self.public_create.add(name)
        if words[:3] == ["REVOKE", "CONNECT", "ON"]:
            self.public_connect.discard(words[4].strip('"'))
        if words[:3] == ["REVOKE", "CREATE", "ON"]:
            self.public_create.discard(where)
        return []

    def reachable_by_public(self) -> set[str]:
        return self.public_connect


def _sql(catalogue: Catalogue) -> list[str]:
    return [sql for _, sql in catalogue.sql]


def test_a_new_tenant_gets_a_login_role_with_rds_iam_and_its_own_database_closed_to_others() -> None:
    catalogue = Catalogue()
    ran = run(provision_statements("tenant_acme"), catalogue)
    assert ran == [
        "SELECT 1 FROM pg_roles WHERE rolname = :name",
        'CREATE ROLE "tenant_acme" WITH LOGIN',
        'GRANT rds_iam TO "tenant_acme"',
        'GRANT "tenant_acme" TO CURRENT_USER',
        "SELECT 1 FROM pg_database WHERE datname = :name",
        'CREATE DATABASE "tenant_acme" OWNER "tenant_acme"',
        "SELECT 1 WHERE NOT has_database_privilege('public', :name, 'CONNECT')",
        'REVOKE CONNECT ON DATABASE "tenant_acme" FROM PUBLIC',
        "SELECT 1 WHERE NOT has_schema_privilege('public', 'public', 'CREATE')",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
    ]
    assert (catalogue.roles, "tenant_acme" in catalogue.databases) == ({"tenant_acme"}, True)
    assert "tenant_acme" not in catalogue.public_connect | catalogue.public_create


def test_the_master_user_is_granted_the_tenant_role_before_creating_its_database_as_owner() -> None:
    # PostgreSQL 16+: CREATE DATABASE ... OWNER r needs the creator to be able to SET ROLE r, which the RDS master
    # user (rds_superuser, not a superuser) has only as a member (ansible-collections/community.zabbix#1741).
    sql = [s.sql for s in provision_statements("tenant_acme")]
    assert sql.index('GRANT "tenant_acme" TO CURRENT_USER') < sql.index(
        'CREATE DATABASE "tenant_acme" OWNER "tenant_acme"'
    )


def test_the_tenants_schema_is_closed_in_its_own_database() -> None:
    revoke = provision_statements("tenant_acme")[-1]
    assert (revoke.sql, revoke.database, revoke.unless and revoke.unless.database) == (
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        "tenant_acme",
        "tenant_acme",
    )


def test_isolating_a_cluster_closes_every_shared_database_and_its_public_schema_to_public() -> None:
    catalogue = Catalogue()
    isolate_cluster(catalogue)
    assert (catalogue.public_connect, catalogue.public_create) == (set(), set())
    revokes = [(where, sql) for where, sql in catalogue.sql if sql.startswith("REVOKE")]
    assert revokes == [
        ("template1", "REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
        ("postgres", "REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
        ("app", "REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
        (None, "REVOKE CONNECT ON DATABASE template1 FROM PUBLIC"),
        (None, "REVOKE CONNECT ON DATABASE postgres FROM PUBLIC"),
        (None, "REVOKE CONNECT ON DATABASE app FROM PUBLIC"),
    ]


def test_a_cluster_that_no_longer_grants_create_on_public_gets_only_the_connect_revokes() -> None:
    # PostgreSQL 15+ created it that way; a cluster upgraded in place from 14 still grants it (handled above): the
    # catalogue decides, not the version.
    catalogue = Catalogue(public_create=False)
    isolate_cluster(catalogue)
    assert [sql for _, sql in catalogue.sql if sql.startswith("REVOKE CREATE")] == []


def test_a_cluster_without_the_app_database_is_isolated_without_it() -> None:
    catalogue = Catalogue(databases=("template1", "postgres"))
    isolate_cluster(catalogue)
    # after the query of which shared databases exist
    assert all(where != "app" and "app" not in sql for where, sql in catalogue.sql[1:])


def test_isolating_an_isolated_cluster_again_revokes_nothing() -> None:
    catalogue = Catalogue()
    isolate_cluster(catalogue)
    catalogue.sql.clear()
    isolate_cluster(catalogue)
    assert [sql for sql in _sql(catalogue) if sql.startswith("REVOKE")] == []


def test_a_tenant_created_after_isolation_can_be_reached_by_its_own_role_only() -> None:
    catalogue = Catalogue()
    isolate_cluster(catalogue)
    run(provision_statements("tenant_acme"), catalogue)
    run(provision_statements("tenant_globex"), catalogue)
    assert catalogue.reachable_by_public() == set()  # each tenant database: its owner alone may CONNECT
    assert catalogue.public_create == set()


def test_the_shared_databases_are_revoked_in_an_order_that_keeps_each_schema_reachable() -> None:
    statements = isolation_statements({"template1", "postgres", "app"})
    schema = [i for i, s in enumerate(statements) if "SCHEMA" in s.sql]
    connect = [i for i, s in enumerate(statements) if "CONNECT" in s.sql]
    assert max(schema) < min(connect) and statements[0].database == "template1"


def test_a_second_run_creates_nothing() -> None:
    catalogue = Catalogue()
    run(provision_statements("tenant_acme"), catalogue)
    again = run(provision_statements("tenant_acme"), catalogue)
    assert [sql for sql in again if sql.startswith(("CREATE", "REVOKE"))] == []


def test_a_run_that_stopped_after_the_role_is_completed_by_the_next() -> None:
    catalogue = Catalogue()
    catalogue.roles.add("tenant_acme")
    ran = run(provision_statements("tenant_acme"), catalogue)
    assert [sql for sql in ran if sql.startswith("CREATE")] == ['CREATE DATABASE "tenant_acme" OWNER "tenant_acme"']


def test_deleting_data_drops_the_database_then_the_role() -> None:
    assert [s.sql for s in drop_statements("tenant_acme")] == [
        'DROP DATABASE IF EXISTS "tenant_acme" WITH (FORCE)',
        'DROP ROLE IF EXISTS "tenant_acme"',
    ]


def test_only_saasctl_role_names_are_spliced_into_sql() -> None:
    with pytest.raises(ValueError):
        quoted('tenant_x"; DROP DATABASE app; --')
    assert quoted("tenant_a_b") == '"tenant_a_b"'


def _queue_results(moto: str, results: list[dict[str, Any]]) -> None:
    body = json.dumps({"results": results}).encode()
    request = urllib.request.Request(
        f"{moto}/moto-api/static/rds-data/statement-results", body, {"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request, timeout=5)


def test_statements_go_through_the_data_api_as_the_master_user(moto: str) -> None:
    data_api = DataApi(client(moto, "rds-data"), CLUSTER, SECRET)
    ran = run(provision_statements("tenant_acme"), data_api)
    # moto finds no role and no database (both are created) and answers no row to "is it revoked already?"
    assert len(ran) == 10


def test_what_the_data_api_says_exists_is_not_created_again(moto: str) -> None:
    exists = {"records": [[{"longValue": 1}]], "columnMetadata": [], "numberOfRecordsUpdated": 0}
    nothing = {"records": [], "columnMetadata": [], "numberOfRecordsUpdated": 0}
    # moto answers each new statement with the next queued result (taken from the end of the queue): the
    # role check, the two grants, the database check, the revoke.
    _queue_results(moto, list(reversed([exists, nothing, nothing, exists, nothing])))
    data_api = DataApi(client(moto, "rds-data"), CLUSTER, SECRET)
    ran = run(provision_statements("tenant_acme"), data_api)
    assert [sql for sql in ran if sql.startswith("CREATE")] == []


def test_a_failing_statement_is_the_tenants_failure_with_postgresqls_message() -> None:
    rds_data = boto3.client("rds-data", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(rds_data) as stubber:
        stubber.add_client_error(
            "execute_statement", "BadRequestException", "ERROR: permission denied to create role", 400
        )
        with pytest.raises(DatabaseError) as raised:
            DataApi(rds_data, CLUSTER, SECRET)(Statement('CREATE ROLE "tenant_acme" WITH LOGIN'))
    assert raised.value.message == 'CREATE ROLE "tenant_acme" WITH LOGIN: ERROR: permission denied to create role'


def test_create_database_refused_inside_a_transaction_block_names_the_statements_to_run_by_hand() -> None:
    # If the Data API ran ExecuteStatement inside a transaction block (not settled: AWS documents autocommit for a
    # call without a transactionId), PostgreSQL would refuse CREATE DATABASE with SQLSTATE 25001; the Data API's
    # DatabaseErrorException carries it as "ERROR: ...; SQLState: 25001" (aws/aws-cli#8577 shows the shape).
    rds_data = boto3.client("rds-data", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    data_api = DataApi(rds_data, CLUSTER, SECRET)
    refused = "ERROR: CREATE DATABASE cannot run inside a transaction block; SQLState: 25001"
    statements = provision_statements("tenant_acme")
    with Stubber(rds_data) as stubber:
        stubber.add_response("execute_statement", {"records": [[{"longValue": 1}]]})  # the role exists
        stubber.add_response("execute_statement", {})  # GRANT rds_iam
        stubber.add_response("execute_statement", {})  # GRANT ... TO CURRENT_USER
        stubber.add_response("execute_statement", {"records": []})  # no database yet
        stubber.add_client_error("execute_statement", "DatabaseErrorException", refused, 400)
        with pytest.raises(DatabaseError) as raised:
            run(statements, data_api)
    assert raised.value.sqlstate == "25001"
    assert raised.value.message == (
        f'CREATE DATABASE "tenant_acme" OWNER "tenant_acme": {refused} (the RDS Data API ran it inside a '
        "transaction block, where PostgreSQL refuses it); run the rest by hand as the master user with psql, then "
        'deploy the tenant again: CREATE DATABASE "tenant_acme" OWNER "tenant_acme"; REVOKE CONNECT ON DATABASE '
        '"tenant_acme" FROM PUBLIC; \\connect tenant_acme REVOKE CREATE ON SCHEMA public FROM PUBLIC;'
    )
    assert raised.value.hint == (
        'README, "Tenant databases by hand": where the master password is and how to reach the cluster'
    )


def test_other_database_errors_are_reported_as_postgresql_gave_them() -> None:
    rds_data = boto3.client("rds-data", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(rds_data) as stubber:
        stubber.add_client_error(
            "execute_statement", "DatabaseErrorException", 'ERROR: role "rds_iam" does not exist; SQLState: 42704'
        )
        with pytest.raises(DatabaseError) as raised:
            run([Statement('GRANT rds_iam TO "tenant_acme"')], DataApi(rds_data, CLUSTER, SECRET))
    assert (raised.value.sqlstate, raised.value.hint) == ("42704", None)


def test_statements_run_in_the_postgres_database_unless_they_name_another() -> None:
    rds_data = boto3.client("rds-data", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(rds_data) as stubber:
        for database in ("postgres", "tenant_acme"):
            stubber.add_response(
                "execute_statement",
                {},
                {
                    "resourceArn": CLUSTER,
                    "secretArn": SECRET,
                    "database": database,
                    "sql": "SELECT 1",
                    "parameters": [],
                },
            )
        data_api = DataApi(rds_data, CLUSTER, SECRET)
        data_api(Statement("SELECT 1"))
        data_api(Statement("SELECT 1", database="tenant_acme"))
