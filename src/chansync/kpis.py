"""What ``chansync report`` shows, as plain numbers and tables: per channel and across channels, coverage, stock,
prices, data quality and history. Computed from a plan (master, base and channel now) and the sync state; the
HTML renderer only draws them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .config import LoadedConfig
from .fields import Field
from .i18n import _
from .model import CREATE, LIVE, SKIP, UNMANAGED, WANTED
from .state.store import SyncState
from .sync import PlanResult, plan

_Q, _PRICE = Field.QUANTITY.value, Field.PRICE.value


@dataclass
class ChannelKpis:
    name: str
    adapter: str
    wanted: int  # master products the channel should list
    live: int  # listings live on the channel now
    unmanaged: int  # on the channel, not in the master, never managed
    missing: int  # wanted but not live (not there, or a draft)
    out_of_stock_wrongly: int  # 0 on the channel while the master has stock for it
    in_stock_wrongly: int  # stock on the channel while the master has none
    priced: int  # listings on the channel with a price to compare
    at_price: int  # of those, at the master's price after the channel's rules
    deviations: pd.DataFrame  # sku, master price, channel price, difference (the biggest)
    changes: dict[str, int] = field(default_factory=dict)  # the plan's changes per field

    @property
    def price_share(self) -> float:
        return self.at_price / self.priced if self.priced else 1.0


@dataclass
class Kpis:
    title: str
    generated: str
    channels: list[ChannelKpis]
    issues_by_rule: pd.DataFrame  # code, severity, channel, count
    issue_rows: pd.DataFrame  # the first rows of each rule: code, channel, where, sku, message
    sold_per_day: pd.DataFrame  # day, channel, units
    history: pd.DataFrame  # started, run, command, channel, status, create, update, delist, fields
    failed: dict[str, str]  # channels that could not be read
    errors: int = 0
    warnings: int = 0


def compute(config: LoadedConfig, state: SyncState | None, *, registry: Any = None) -> Kpis:
    result = plan(config, registry=registry, state=state)
    channels = [_channel_kpis(c) for c in result.channels]
    report = result.report
    frame = report.frame
    by_rule = (
        frame.assign(channel=frame["channel"].fillna("master"))
        .groupby(["code", "severity", "channel"], dropna=False)
        .size()
        .rename("count")
        .reset_index()
        .sort_values(["count", "code"], ascending=[False, True])
        if len(frame)
        else pd.DataFrame(columns=["code", "severity", "channel", "count"])
    )
    rows = _issue_rows(report)
    return Kpis(
        title=config.display,
        generated=time.strftime("%Y-%m-%d %H:%M"),
        channels=channels,
        issues_by_rule=by_rule,
        issue_rows=rows,
        sold_per_day=_sold_per_day(state),
        history=_history(state),
        failed=dict(result.failed),
        errors=report.errors,
        warnings=report.warnings,
    )


def _channel_kpis(channel: Any) -> ChannelKpis:
    the_plan = channel.plan
    desired, current = the_plan.desired, the_plan.current
    counts = the_plan.counts()
    wanted_mask = desired[WANTED].astype(bool) & desired[SKIP].eq("") if len(desired) else pd.Series(dtype=bool)
    live_mask = current[LIVE].fillna(True).astype(bool) if LIVE in current.columns else pd.Series(True, current.index)
    keys = desired.index.intersection(current.index)
    both_wanted = wanted_mask.reindex(keys).fillna(False).to_numpy(dtype=bool) if len(keys) else np.zeros(0, bool)
    keys = keys[both_wanted]
    oos = ins = 0
    if _Q in desired.columns and _Q in current.columns and len(keys):
        want_q = pd.to_numeric(desired.loc[keys, _Q], errors="coerce")
        have_q = pd.to_numeric(current.loc[keys, _Q], errors="coerce")
        oos = int(((want_q > 0) & (have_q == 0)).sum())
        ins = int(((want_q == 0) & (have_q > 0)).sum())
    priced = at_price = 0
    deviations = pd.DataFrame(columns=["sku", "master", "channel", "difference"])
    if _PRICE in desired.columns and _PRICE in current.columns and len(keys):
        want_p = pd.to_numeric(desired.loc[keys, _PRICE], errors="coerce")
        have_p = pd.to_numeric(current.loc[keys, _PRICE], errors="coerce")
        known = want_p.notna() & have_p.notna()
        priced = int(known.sum())
        at_price = int((known & (want_p == have_p)).sum())
        off = known & (want_p != have_p)
        if off.any():
            diff = (have_p[off] - want_p[off]).astype("int64")
            top = diff.abs().sort_values(ascending=False).head(10).index
            deviations = pd.DataFrame(
                {
                    "sku": desired.loc[top, Field.SKU.value].astype("str").to_numpy(),
                    "master": want_p[top].astype("int64").to_numpy() / 100,
                    "channel": have_p[top].astype("int64").to_numpy() / 100,
                    "difference": diff[top].to_numpy() / 100,
                }
            )
    live_keys = current.index[live_mask.to_numpy(dtype=bool)] if len(current) else current.index
    wanted_keys = desired.index[wanted_mask.to_numpy(dtype=bool)] if len(desired) else desired.index
    missing = len(wanted_keys.difference(live_keys)) if len(wanted_keys) else 0
    return ChannelKpis(
        name=channel.name,
        adapter=channel.adapter.name,
        wanted=len(wanted_keys),
        live=int(live_mask.sum()),
        unmanaged=int(counts.get(UNMANAGED, 0)),
        missing=max(missing, int(counts.get(CREATE, 0))),
        out_of_stock_wrongly=oos,
        in_stock_wrongly=ins,
        priced=priced,
        at_price=at_price,
        deviations=deviations,
        changes=the_plan.field_counts(),
    )


def _issue_rows(report: Any, per_rule: int = 5) -> pd.DataFrame:
    frame = report.sorted()
    if not len(frame):
        return pd.DataFrame(columns=["code", "channel", "where", "sku", "message"])
    first = frame.groupby(["code", "channel"], dropna=False, sort=False).head(per_rule)
    where = (
        first["file"].fillna("").astype("str")
        + first["row"].astype("Int64").astype("str").radd(", row ").where(first["row"].notna(), "")
        + first["column"].fillna("").astype("str").radd(', column "').add('"').where(first["column"].notna(), "")
    )
    return pd.DataFrame(
        {
            "code": first["code"],
            "channel": first["channel"].fillna(""),
            "where": where,
            "sku": first["sku"].fillna(""),
            "message": first["message"],
        }
    ).reset_index(drop=True)


def _sold_per_day(state: SyncState | None) -> pd.DataFrame:
    if state is None:
        return pd.DataFrame(columns=["day", "channel", "units"])
    sales = state.sales()
    if not len(sales):
        return pd.DataFrame(columns=["day", "channel", "units"])
    day = pd.to_datetime(sales["at"], unit="s").dt.strftime("%Y-%m-%d")
    return sales.assign(day=day).groupby(["day", "channel"])["units"].sum().reset_index()


def _history(state: SyncState | None, limit: int = 30) -> pd.DataFrame:
    columns = ["started", "run", "command", "channel", "status", "create", "update", "delist", "fields"]
    if state is None:
        return pd.DataFrame(columns=columns)
    rows = []
    for run in reversed(state.runs(limit)):
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(run["started"]))
        for channel in run["channels"]:
            counts = channel["counts"]
            rows.append(
                [
                    when,
                    run["run"],
                    _("{command} (dry run)").format(command=run["command"]) if run["dry_run"] else run["command"],
                    channel["channel"],
                    channel["status"],
                    counts.get("create", 0),
                    counts.get("update", 0),
                    counts.get("delist", 0),
                    ", ".join(f"{k} {v}" for k, v in channel["fields"].items()),
                ]
            )
        if not run["channels"]:
            rows.append([when, run["run"], run["command"], "", run["status"], 0, 0, 0, run["reason"][:200]])
    return pd.DataFrame(rows, columns=columns)


__all__ = ["ChannelKpis", "Kpis", "PlanResult", "compute"]
