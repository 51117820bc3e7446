"""`saasctl cost`: what the platform and each tenant cost per month, from dated list prices."""

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from saas_ctl.cli.completion import tenant_names
from saas_ctl.cli.context import FileOption, JsonOption, application
from saas_ctl.cli.output import reporting

if TYPE_CHECKING:
    from saas_ctl.cli.output import Output
    from saas_ctl.cost.estimate import Estimate, Line, TenantCost


def cost(
    ctx: typer.Context,
    tenant: Annotated[
        str | None,
        typer.Option(
            "--tenant",
            "-t",
            metavar="NAME",
            help="Only this tenant (and its platform share).",
            autocompletion=tenant_names,
        ),
    ] = None,
    refresh_prices: Annotated[
        bool,
        typer.Option(
            "--refresh-prices",
            help="First replace the Region's price table from the AWS Price List API (needs AWS credentials; "
            "kept in ~/.cache/saasctl).",
        ),
    ] = False,
    file: FileOption = None,
    json_mode: JsonOption = False,
) -> None:
    """Estimate the monthly cost of the platform and of each tenant from a dated table of AWS list prices.

    Prices come from a bundled, dated table of AWS list prices (or the one --refresh-prices stored), each with
    its source; a price read more than a year ago is flagged. Each tenant is priced at its desired count and at
    its autoscaling maximum (a suspended tenant pays only for what it keeps); the platform's shared cost is shown
    once and split evenly per tenant. What the file cannot say (load balancer capacity units, gigabytes stored,
    log volume) are assumptions listed with the estimate; NAT data processing and traffic are not estimated.
    """
    from saas_ctl.cost import estimate as costs
    from saas_ctl.cost import prices
    from saas_ctl.errors import UsageError
    from saas_ctl.spec import loader

    cli = application(ctx, file, json_mode)
    with reporting(cli.output):
        spec = loader.load(cli.file).spec
        region = spec.platform.region
        if tenant is not None and tenant not in {t.name for t in spec.tenants}:
            raise UsageError(
                f"tenant {tenant!r} is not declared in {cli.file}",
                hint=f"declared tenants: {', '.join(t.name for t in spec.tenants) or 'none'}",
            )
        if refresh_prices:
            from saas_ctl.aws import session as aws
            from saas_ctl.cost import refresh

            stored = refresh.refresh(
                aws.required(None, "--refresh-prices"), region, spec.platform.database.instance_class
            )
            cli.output.info(f"stored {region}'s prices from the AWS Price List API in {stored}")
        found = costs.estimate(spec, prices.load(region))
        warnings = found.warnings + stale_warnings(found, date.today())
        for warning in warnings:
            cli.output.warn(warning)
        chosen = [t for t in found.tenants if tenant is None or t.name == tenant]
        cli.output.result(document(found, chosen, warnings), lambda: render(cli.output, found, chosen))


def stale_warnings(found: "Estimate", today: date) -> list[str]:
    stale = found.table.stale(today)
    if not stale:
        return []
    dates = sorted({found.table[key].date for key in stale})
    return [
        f"{len(stale)} price(s) of the table were read more than a year ago ({', '.join(dates)}): "
        f"{', '.join(stale)}; `saasctl cost --refresh-prices` reads today's"
    ]


def _money(amount: Any) -> float:
    return float(amount)


def document(found: "Estimate", chosen: list["TenantCost"], warnings: list[str]) -> dict[str, Any]:
    table = found.table
    return {
        "region": table.region,
        "prices": {
            "origin": table.origin,
            "as_of": table.as_of,
            "hours_per_month": table.hours_per_month,
            "stale": table.stale(date.today()),
            "table": {key: price.to_json() for key, price in table.prices.items()},
        },
        "assumptions": {key: float(value) for key, value in table.usage.items()},
        "platform": {"monthly": _money(found.platform_monthly), "lines": [ln.to_json(table) for ln in found.platform]},
        "tenants": [
            {
                "name": t.name,
                "tier": t.tier,
                "suspended": t.suspended,
                "monthly": _money(t.monthly),
                "monthly_at_max": _money(t.monthly_at_max),
                "platform_share": _money(found.platform_share),
                "lines": [ln.to_json(table) for ln in t.at_desired],
                "lines_at_max": [ln.to_json(table) for ln in t.at_max],
            }
            for t in chosen
        ],
        "total": {"monthly": _money(found.monthly()), "monthly_at_max": _money(found.monthly(at_max=True))},
        "warnings": warnings,
    }


def render(output: "Output", found: "Estimate", chosen: list["TenantCost"]) -> None:
    table = found.table
    out = output.print
    out(f"prices: {table.describe()} ({table.hours_per_month} hours a month)")
    out(f"platform (shared): ${found.platform_monthly:,} a month")
    _lines(output, found, found.platform)
    for t in chosen:
        state = ", suspended" if t.suspended else ""
        tier = f" (tier {t.tier}{state})" if t.tier else (f" ({state[2:]})" if state else "")
        out(
            f"tenant {t.name}{tier}: ${t.monthly:,} a month at its desired count, ${t.monthly_at_max:,} at its "
            f"autoscaling maximum; platform share ${found.platform_share:,}"
        )
        _lines(output, found, t.at_desired)
    out(
        f"total: ${found.monthly():,} a month at desired counts, ${found.monthly(at_max=True):,} at autoscaling "
        "maximums"
    )
    assumed = ", ".join(f"{key} {value}" for key, value in table.usage.items())
    out(f"assumed: {assumed}; NAT data processing and traffic out of AWS are not estimated")


def _lines(output: "Output", found: "Estimate", lines: list["Line"]) -> None:
    for line in lines:
        price = found.table[line.price]
        output.print(f"  {line.item}: {line.quantity.normalize():f} {price.unit} x ${price.usd} = ${line.monthly:,}")
