"""``chansync report`` as one self-contained HTML file: inline CSS, charts as inline SVG, no script, no font, no
network request, so it opens from an e-mail attachment and on a phone.

Charts are drawn by matplotlib (the optional ``report`` extra): the best-kept Python plotting library, and its SVG
backend writes static vector graphics with text as paths, so nothing is loaded when the file opens. Each chart gets
a ``<title>`` and ``<desc>`` for screen readers and the same numbers as a table beside it.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping, Sequence

import pandas as pd

from .. import i18n
from ..errors import ChansyncError
from ..i18n import _, ngettext, number, percent
from ..kpis import Kpis

PALETTE = ["#2f6f8f", "#e0a030", "#c0504d", "#7a9a3a", "#8064a2", "#4bacc6"]

CSS = """
:root { color-scheme: light; --ink: #1d2733; --muted: #5b6773; --line: #d9dee3; --bad: #b3261e; --good: #2e7d32; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0;
       padding: 16px; max-width: 1100px; margin-inline: auto; }
h1 { font-size: 1.5em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 28px 0 8px; border-bottom: 1px solid var(--line); }
p.meta { color: var(--muted); margin: 0 0 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
.card h3 { margin: 0 0 6px; font-size: 1.05em; } .card dl { margin: 0; display: grid; grid-template-columns: 1fr auto; }
.card dt { color: var(--muted); } .card dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 12px 0; } figure svg { width: 100%; height: auto; max-width: 760px; display: block; }
figcaption { color: var(--muted); font-size: .9em; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: .92em; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; } details { margin: 6px 0; } summary { cursor: pointer; color: var(--muted); }
.bad { color: var(--bad); font-weight: 600; } .good { color: var(--good); }
"""


def render_report(kpis: Kpis) -> str:
    """The whole report as an HTML document (a string)."""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{i18n.language()}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>chansync report · {_e(kpis.title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{_e(_('How your channels are doing'))}</h1>"
        f'<p class="meta">{_e(kpis.title)} · {_e(kpis.generated)} · {_e(_master_counts(kpis))}</p>',
    ]
    if kpis.failed:
        parts.append(
            f'<p class="bad">{_e(_("Could not be read:"))} '
            + "; ".join(f"{_e(n)} ({_e(r)})" for n, r in kpis.failed.items())
            + "</p>"
        )
    parts += [_cards(kpis), _coverage(kpis), _stock(kpis), _prices(kpis), _quality(kpis), _history(kpis)]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _master_counts(kpis: Kpis) -> str:
    errors = ngettext("{count} error", "{count} errors", kpis.errors).format(count=number(kpis.errors))
    warnings = ngettext("{count} warning", "{count} warnings", kpis.warnings).format(count=number(kpis.warnings))
    return _("master: {counts}").format(counts=f"{errors}, {warnings}")


def _signed(value: float) -> str:
    """A difference with its sign, in the run's notation: ``+1.50``, ``-0.25`` (Dutch ``+1,50``)."""
    return ("+" if value >= 0 else "") + number(value, 2)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _cards(kpis: Kpis) -> str:
    cards = []
    for c in kpis.channels:
        rows = [
            (_("wanted"), c.wanted),
            (_("live"), c.live),
            (_("missing"), c.missing),
            (_("not managed"), c.unmanaged),
            (_("at the master's price"), percent(c.price_share)),
            (_("sold out here, in stock in the master"), c.out_of_stock_wrongly),
        ]
        items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(number(v) if isinstance(v, int) else v)}</dd>" for k, v in rows)
        cards.append(f'<div class="card"><h3>{_e(c.name)} <small>({_e(c.adapter)})</small></h3><dl>{items}</dl></div>')
    return f'<h2>{_e(_("Per channel"))}</h2><div class="cards">' + "".join(cards) + "</div>"


def _coverage(kpis: Kpis) -> str:
    names = [c.name for c in kpis.channels]
    series = {
        _("wanted"): [c.wanted for c in kpis.channels],
        _("live"): [c.live for c in kpis.channels],
        _("missing"): [c.missing for c in kpis.channels],
        _("not managed"): [c.unmanaged for c in kpis.channels],
    }
    chart = _bars(
        names,
        series,
        title=_("Coverage per channel"),
        desc=_(
            "For each channel: products wanted there, listings live, wanted but missing, and listings chansync "
            "does not manage."
        ),
    )
    return f"<h2>{_e(_('Coverage'))}</h2>" + _figure(
        chart,
        _("Products wanted, live, missing and not managed, per channel."),
        _table([_("channel"), *series], [[n, *(s[i] for s in series.values())] for i, n in enumerate(names)]),
    )


def _stock(kpis: Kpis) -> str:
    names = [c.name for c in kpis.channels]
    series = {
        _("sold out on the channel, in stock in the master"): [c.out_of_stock_wrongly for c in kpis.channels],
        _("in stock on the channel, none in the master"): [c.in_stock_wrongly for c in kpis.channels],
    }
    out = [
        f"<h2>{_e(_('Stock'))}</h2>",
        _figure(
            _bars(
                names,
                series,
                title=_("Stock out of step"),
                desc=_(
                    "Listings whose stock on the channel says the opposite of the master: sold out while in stock, "
                    "and the reverse."
                ),
            ),
            _("Stock out of step with the master, per channel."),
            _table([_("channel"), *series], [[n, *(s[i] for s in series.values())] for i, n in enumerate(names)]),
        ),
    ]
    sold = kpis.sold_per_day
    if len(sold):
        pivot = sold.pivot_table(index="day", columns="channel", values="units", aggfunc="sum", fill_value=0)
        chart = _lines(
            list(pivot.index),
            {str(c): pivot[c].tolist() for c in pivot.columns},
            title=_("Units sold per day"),
            desc=_("Units sold on each channel per day, as chansync saw them."),
        )
        table = _table(
            [_("day"), *map(str, pivot.columns)],
            [[d, *row] for d, row in zip(pivot.index, pivot.to_numpy().tolist(), strict=True)],
        )
        out.append(_figure(chart, _("Units sold per channel per day (from the sync state's ledger)."), table))
    else:
        none_yet = _("No sales recorded yet: {command} books the sales it sees on each channel.")
        out.append("<p>" + _e(none_yet).format(command="<code>chansync push</code>") + "</p>")
    return "\n".join(out)


def _prices(kpis: Kpis) -> str:
    names = [c.name for c in kpis.channels]
    shares = [round(c.price_share * 100, 1) for c in kpis.channels]
    chart = _bars(
        names,
        {_("% at the master's price"): shares},
        title=_("Listings at the master's price"),
        desc=_("Share of each channel's listings whose price is the master's after the channel's rules."),
        percent=True,
    )
    parts = [
        f"<h2>{_e(_('Prices'))}</h2>",
        _figure(
            chart,
            _("Share of listings at the master's price, per channel."),
            _table(
                [_("channel"), _("listings compared"), _("at the master's price"), _("share")],
                [[c.name, c.priced, c.at_price, percent(c.price_share, 1)] for c in kpis.channels],
            ),
        ),
    ]
    for c in kpis.channels:
        if len(c.deviations):
            amounts = [c.deviations[k].astype("float").tolist() for k in ("master", "channel", "difference")]
            rows = [
                [sku, number(master, 2), number(channel, 2), _signed(difference)]
                for sku, master, channel, difference in zip(c.deviations["sku"], *amounts, strict=True)
            ]
            parts.append(
                f"<details><summary>{_e(_('{channel}: the biggest price deviations').format(channel=c.name))}"
                "</summary>" + _table([_("sku"), _("master"), _("channel"), _("difference")], rows) + "</details>"
            )
    return "\n".join(parts)


def _quality(kpis: Kpis) -> str:
    by_rule = kpis.issues_by_rule
    if not len(by_rule):
        clean = _("No problems found in the master or the channels' rules.")
        return f"<h2>{_e(_('Data quality'))}</h2>" + f'<p class="good">{_e(clean)}</p>'
    table = _table(
        [_("rule"), _("severity"), _("channel"), _("count")],
        by_rule[["code", "severity", "channel", "count"]].values.tolist(),
    )
    rows = _table([_("rule"), _("channel"), _("where"), _("sku"), _("message")], kpis.issue_rows.values.tolist())
    return (
        f"<h2>{_e(_('Data quality'))}</h2>"
        + table
        + f"<details><summary>{_e(_('The rows (the first of each rule)'))}</summary>{rows}</details>"
    )


def _history(kpis: Kpis) -> str:
    history = kpis.history
    if not len(history):
        none_yet = _e(_("No runs yet: every {command} is recorded here.")).format(command="<code>chansync push</code>")
        return f"<h2>{_e(_('History'))}</h2><p>{none_yet}</p>"
    per_run = history.groupby(["started", "run"], sort=False)[["create", "update", "delist"]].sum().reset_index()
    chart = _bars(
        per_run["started"].tolist(),
        {k: per_run[k].tolist() for k in ("create", "update", "delist")},
        title=_("Changes per run"),
        desc=_("Listings created, updated and delisted by each run, all channels."),
        stacked=True,
    )
    table = _table(list(history.columns), history.values.tolist())
    return f"<h2>{_e(_('History'))}</h2>" + _figure(chart, _("Changes per run (all channels)."), table)


def _table(head: Sequence[object], rows: Sequence[Sequence[object]]) -> str:
    def cell(value: object, tag: str) -> str:
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        shown = number(value) if isinstance(value, int) and not isinstance(value, bool) else value
        return f"<{tag}{' class=n' if numeric else ''}>{_e(shown)}</{tag}>"

    header = "".join(cell(h, "th") for h in head)
    body = "".join("<tr>" + "".join(cell(v, "td") for v in row) + "</tr>" for row in rows)
    return f'<div class="scroll"><table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table></div>'


def _figure(svg: str, caption: str, table: str) -> str:
    return (
        f"<figure>{svg}<figcaption>{_e(caption)}</figcaption>"
        f"<details><summary>{_e(_('The numbers'))}</summary>{table}</details></figure>"
    )


# --- charts -----------------------------------------------------------------------------------------------------

_COUNTER = [0]


def _pyplot():  # type: ignore[no-untyped-def]
    try:
        import matplotlib

        matplotlib.use("svg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ChansyncError(_("the report's charts need matplotlib"), hint="pip install 'chansync[report]'") from None
    plt.rcParams.update({"svg.fonttype": "path", "svg.hashsalt": "chansync", "font.size": 10})
    return plt


def _ticks(axis: object) -> None:
    """An axis's numbers in the run's notation (Dutch 1.000 and 0,5)."""
    from matplotlib.ticker import FuncFormatter

    def tick(value: float, _position: int) -> str:
        return number(int(value)) if float(value).is_integer() else number(value, 1)

    axis.set_major_formatter(FuncFormatter(tick))  # type: ignore[attr-defined]


def _svg(fig: object, title: str, desc: str) -> str:
    plt = _pyplot()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})  # type: ignore[attr-defined]
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # no XML declaration or doctype inside HTML
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)  # the RDF block names web addresses
    _COUNTER[0] += 1
    ident = f"chart{_COUNTER[0]}"
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", text, count=1)
    text = text.replace("<svg", f'<svg role="img" aria-labelledby="{ident}-t {ident}-d"', 1)
    head_end = text.index(">", text.index("<svg")) + 1
    return (
        text[:head_end]
        + f'<title id="{ident}-t">{_e(title)}</title><desc id="{ident}-d">{_e(desc)}</desc>'
        + text[head_end:]
    )


def _bars(
    labels: list[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    desc: str,
    percent: bool = False,
    stacked: bool = False,
) -> str:
    plt = _pyplot()
    height = max(2.2, 0.45 * len(labels) * (1 if stacked else max(1, len(series)) * 0.6) + 1.2)
    fig, ax = plt.subplots(figsize=(7.5, height))
    positions = list(range(len(labels)))
    width = 0.8 / (1 if stacked else max(1, len(series)))
    left = [0.0] * len(labels)
    for i, (name, values) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        if stacked:
            ax.barh(positions, values, left=left, height=0.6, label=name, color=color)
            left = [a + b for a, b in zip(left, values, strict=True)]
        else:
            offset = [p - 0.4 + width * (i + 0.5) for p in positions]
            ax.barh(offset, values, height=width, label=name, color=color)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_title(title, loc="left")
    if percent:
        ax.set_xlim(0, 100)
    elif not any(v for values in series.values() for v in values):
        ax.set_xlim(0, 1)  # all zero: an empty axis from 0, not one centred on it
        ax.text(0.5, 0.5, _("none"), transform=ax.transAxes, ha="center", va="center", color="#5b6773")
    else:
        ax.set_xlim(left=0)
    _ticks(ax.xaxis)
    ax.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        ax.legend(loc="lower right", frameon=False, fontsize=8)
    return _svg(fig, title, desc)


def _lines(labels: list[str], series: Mapping[str, Sequence[float]], *, title: str, desc: str) -> str:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 3))
    for i, (name, values) in enumerate(series.items()):
        ax.plot(labels, values, marker="o", label=name, color=PALETTE[i % len(PALETTE)])
    ax.set_title(title, loc="left")
    _ticks(ax.yaxis)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=8)
    fig.autofmt_xdate()
    return _svg(fig, title, desc)


__all__ = ["pd", "render_report"]
