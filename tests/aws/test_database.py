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
    provision_statements,
    quoted,
    run,
)
from tests.moto_server import REGION, client

CLUSTER = "arn:aws:rds:us-east-1:123456789012:cluster:saas-dev-aurora"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-1-AbCdEf"


class Catalogue:
    """A recording client that keeps pg_roles and pg_database as PostgreSQL would."""

    def __init__(self) -> None:
        self.roles: set[str] = set()
        self.databases: set[str] = set()
        self.sql: list[str] = []

    def __call__(self, statement: Statement) -> list[list[dict[str, Any]]]:
        self.sql.append(statement.sql)
        words = statement.sql.split()
        value = dict(statement.parameters).get("name")
        if statement.sql.startswith("SELECT 1 FROM pg_roles"):
            return [[{"longValue": 1}]] if value in self.roles else []
        if statement.sql.startswith("SELECT 1 FROM pg_database"):
            return [[{"longValue": 1}]] if value in self.databases else []
        if words[:2] == ["CREATE", "ROLE"]:
            assert words[2].strip('"') not in self.roles, "role already exists"
            self.roles.add(words[2].strip('"'))
        if words[:2] == ["CREATE", "DATABASE"]:
            assert words[2].strip('"') not in self.databases, "database already exists"
            self.databases.add(words[2].strip('"'))
        return []


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
        'REVOKE CONNECT ON DATABASE "tenant_acme" FROM PUBLIC',
    ]
    assert (catalogue.roles, catalogue.databases) == ({"tenant_acme"}, {"tenant_acme"})


def test_a_second_run_creates_nothing() -> None:
    catalogue = Catalogue()
    run(provision_statements("tenant_acme"), catalogue)
    again = run(provision_statements("tenant_acme"), catalogue)
    assert [sql for sql in again if sql.startswith("CREATE")] == []


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
    assert len(ran) == 7  # moto finds no role and no database: both are created


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
