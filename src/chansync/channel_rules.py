"""From the master catalogue to one channel's desired state: overrides, filters, price and stock rules, value maps.

All column operations; money stays in integer cents throughout (markups and exchange rates are applied as exact
fractions with half-up rounding), so a rule never introduces a binary-float price.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import columns
from .adapters.base import Adapter
from .catalog import Catalog, Stock
from .channel_codes import CHANNEL_REQUIRED as CHANNEL_REQUIRED
from .channel_codes import DUPLICATE_KEY as DUPLICATE_KEY
from .channel_codes import STOCK_LOCATION_UNKNOWN as STOCK_LOCATION_UNKNOWN
from .config import ChannelConfig, FilterRules, PriceRules, StockRules
from .fields import IN_STOCK, OUT_OF_STOCK, OVERRIDE_SEPARATOR, ROW, Field, Kind, StockField
from .i18n import _, fill, number
from .issues import IssueCode, Report, Severity, frame_of
from .model import SKIP, WANTED, Desired
from .parse import MONEY_SCALE
from .rules.identity import parent_rows
from .wording import indefinite, label

_SKU = Field.SKU.value
_STATUS = Field.STATUS.value


def desired_state(catalog: Catalog, adapter: Adapter) -> Desired:
    """The channel's desired frame, before skips (see :func:`mark_skips`)."""
    config = adapter.context.config
    channel = adapter.context.name
    frame = pd.DataFrame({ROW: catalog.frame[ROW], _SKU: catalog.frame[_SKU]})
    for field_ in adapter.needed():
        name = field_.value
        if field_ is Field.QUANTITY:
            frame[name] = apply_stock_rules(catalog.quantity_for(config.stock.locations), config.stock)
            continue
        if field_ is Field.AVAILABILITY:
            continue  # from the final quantity, below
        if not catalog.has(name):
            continue
        frame[name] = catalog.frame[name]
    if Field.CURRENCY in adapter.needed():
        frame[Field.CURRENCY.value] = (
            catalog.frame[Field.CURRENCY.value].fillna(catalog.currency)
            if catalog.has(Field.CURRENCY)
            else catalog.currency
        )
    for field_ in (Field.PRICE, Field.SALE_PRICE):
        if field_.value in frame.columns:
            frame[field_.value] = apply_price_rules(frame[field_.value], config.price)
    if config.price.currency and Field.CURRENCY.value in frame.columns:
        frame[Field.CURRENCY.value] = config.price.currency
    _drop_sale_not_below_price(frame)
    _apply_overrides(frame, catalog, channel, adapter.needed())
    if Field.AVAILABILITY in adapter.needed():
        frame[Field.AVAILABILITY.value] = availability(catalog, frame, config.stock)
    _inherit_product_fields(frame, catalog, adapter.product_fields)
    _blank_for_variants(frame, catalog, adapter.parent_only_fields)
    _apply_value_maps(frame, config)
    frame = adapter.prepare(frame)
    frame[WANTED] = wanted_by_filter(catalog, config.filter)
    if not adapter.lists_parents:
        frame[WANTED] &= ~parent_rows(catalog)
    frame[SKIP] = columns.blanks(frame.index)
    if adapter.key.value not in frame.columns:  # the master has no column for the channel's key (bol without EANs)
        frame[adapter.key.value] = pd.Series(pd.NA, index=frame.index, dtype="str")
    frame = frame[frame[_SKU].notna() & frame[_SKU].ne("")].reset_index(drop=True)
    return Desired(frame, adapter.key.value, catalog.source, config.price.currency or catalog.currency)


def _apply_overrides(frame: pd.DataFrame, catalog: Catalog, channel: str, fields: Iterable[Field]) -> None:
    """``price@bol`` and friends win over every rule for their channel."""
    for field_ in fields:
        name = f"{field_.value}{OVERRIDE_SEPARATOR}{channel}"
        if not catalog.has(name):
            continue
        given = catalog.frame[name]
        if field_.kind is Kind.TEXT or field_.kind is Kind.KEY or field_.kind is Kind.URL:
            given = given.where(given.ne(""))
        frame[field_.value] = given.combine_first(frame[field_.value]) if field_.value in frame else given


def availability(catalog: Catalog, frame: pd.DataFrame, rules: StockRules) -> pd.Series:
    """The master's availability where it gives one, else from the channel's stock: in stock above zero.
    NA where both are unknown (left as it is on the channel)."""
    quantity = frame.get(Field.QUANTITY.value)
    if quantity is None:
        quantity = apply_stock_rules(catalog.quantity_for(rules.locations), rules)
    counts = quantity.astype("Int64")
    known = pa.array(counts.fillna(-1).ge(0).to_numpy())  # a negative or unknown count says nothing
    in_stock = pa.array(counts.fillna(0).gt(0).to_numpy())
    derived = columns.strings(pc.if_else(known, pc.if_else(in_stock, IN_STOCK, OUT_OF_STOCK), None), frame.index)
    if catalog.has(Field.AVAILABILITY):
        return catalog.frame[Field.AVAILABILITY.value].astype("str").fillna(derived)
    return derived


def _inherit_product_fields(frame: pd.DataFrame, catalog: Catalog, fields: Iterable[Field]) -> None:
    """Variants take product-level fields from their parent row (where the parent has a value)."""
    parent = Field.PARENT_SKU.value
    names = [f.value for f in fields if f.value in frame.columns]
    if not names or not catalog.has(parent):
        return
    parents = catalog.frame[parent]
    has_parent = parents.notna() & parents.ne("")
    if not has_parent.any():
        return
    by_sku = frame.drop_duplicates(_SKU).set_index(_SKU)
    for name in names:
        inherited = parents[has_parent].map(by_sku[name])
        frame.loc[inherited.index, name] = inherited.where(inherited.notna(), frame.loc[inherited.index, name])


def _blank_for_variants(frame: pd.DataFrame, catalog: Catalog, fields: Iterable[Field]) -> None:
    parent = Field.PARENT_SKU.value
    names = [f.value for f in fields if f.value in frame.columns]
    if names and catalog.has(parent):
        variant = catalog.frame[parent].notna() & catalog.frame[parent].ne("")
        frame.loc[variant, names] = pd.NA


def _apply_value_maps(frame: pd.DataFrame, config: ChannelConfig) -> None:
    for field_name, mapping in config.field_map.items():
        if field_name in frame.columns and mapping:
            frame[field_name] = frame[field_name].replace(mapping)
    category = Field.CATEGORY.value
    if config.category_map and category in frame.columns:
        frame[category] = frame[category].replace(config.category_map)


def _drop_sale_not_below_price(frame: pd.DataFrame) -> None:
    """After markups and rounding a sale price can meet the price: then there is no sale."""
    sale, price = Field.SALE_PRICE.value, Field.PRICE.value
    if sale in frame.columns and price in frame.columns:
        frame[sale] = frame[sale].mask((frame[sale] >= frame[price]).fillna(False))


# --- filters ----------------------------------------------------------------------------------------------------


def wanted_by_filter(catalog: Catalog, rules: FilterRules) -> pd.Series:
    """Which master products this channel should list: active ones by default, then the include/exclude lists."""
    index = catalog.frame.index
    wanted = pd.Series(True, index=index)
    status = rules.status or "active"
    if status != "any" and catalog.has(_STATUS):
        wanted &= catalog.frame[_STATUS].fillna("active").eq(status)
    elif status == "inactive":
        wanted &= False
    wanted &= _listed(catalog, Field.CATEGORY, rules.include_categories, rules.exclude_categories, hierarchy=True)
    wanted &= _listed(catalog, Field.BRAND, rules.include_brands, rules.exclude_brands)
    wanted &= _listed(catalog, Field.SKU, rules.include_skus, rules.exclude_skus, fold=False)
    return wanted


def _listed(
    catalog: Catalog,
    field_: Field,
    include: list[str] | None,
    exclude: list[str],
    *,
    hierarchy: bool = False,
    fold: bool = True,
) -> pd.Series:
    index = catalog.frame.index
    if include is None and not exclude:
        return pd.Series(True, index=index)
    if not catalog.has(field_):
        return pd.Series(include is None, index=index)
    values = catalog.frame[field_.value].fillna("").astype("str")
    if fold:
        values = values.str.casefold()

    def matches(names: list[str]) -> pd.Series:
        wanted = [n.casefold() if fold else n for n in names]
        hit = values.isin(wanted)
        if hierarchy:  # "Bikes" also matches "Bikes > Parts"
            for name in wanted:
                hit |= values.str.startswith(name + " >")
        return hit

    keep = matches(include) if include is not None else pd.Series(True, index=index)
    return keep & ~matches(exclude) if exclude else keep


# --- prices and stock -------------------------------------------------------------------------------------------


def _fraction(value: Decimal) -> Fraction:
    return Fraction(value)


def _times(cents: pd.Series, factor: Fraction) -> pd.Series:
    """Exact ``cents * factor`` rounded half up, on nullable integers."""
    num, den = factor.numerator, factor.denominator
    return (cents * (2 * num) + den) // (2 * den)


def _to_cents(amount: Decimal) -> int:
    return int((amount * MONEY_SCALE).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def apply_price_rules(cents: pd.Series, rules: PriceRules) -> pd.Series:
    """Markup %, fixed add, fixed-rate currency, rounding up to an ending (.99), then the floor."""
    out = cents.astype("Int64")
    if rules.markup_percent:
        out = _times(out, 1 + _fraction(rules.markup_percent) / 100)
    if rules.add:
        out = out + _to_cents(rules.add)
    if rules.rate is not None:
        out = _times(out, _fraction(rules.rate))
    if rules.round_to is not None:
        ending = _to_cents(rules.round_to) % MONEY_SCALE
        rounded = out - out % MONEY_SCALE + ending
        out = rounded.where(rounded >= out, rounded + MONEY_SCALE)
    if rules.min is not None:
        floor = _to_cents(rules.min)
        out = out.where(out.isna() | (out >= floor), floor)
    return out.astype("Int64")


def apply_stock_rules(quantity: pd.Series, rules: StockRules) -> pd.Series:
    """Buffer held back, the channel's share (rounded down), a cap, and zero below a threshold. Unknown (NA)
    stays unknown."""
    q = quantity.astype("Int64")
    if rules.buffer:
        q = (q - rules.buffer).clip(lower=0)
    if rules.share < 1:
        share = Fraction(rules.share)
        q = (q * share.numerator) // share.denominator
    if rules.max is not None:
        q = q.clip(upper=rules.max)
    if rules.zero_below:
        q = q.where(q.isna() | (q >= rules.zero_below), 0)
    return q.astype("Int64")


# --- skips ------------------------------------------------------------------------------------------------------


def mark_skips(desired: Desired, adapter: Adapter, report: Report, stock: Stock | None = None) -> list[pd.DataFrame]:
    """Mark items to leave alone, and return the channel's own issues (placed in the master).

    An item is skipped when its master row has an error in a field this channel needs, when the channel's rules
    find an error in it, or when its key is not unique.
    """
    frame = desired.frame
    channel = adapter.context.name
    issues = list(_required(desired, adapter, report))
    issues.extend(_duplicate_keys(desired, adapter))
    issues.extend(adapter.check(desired))
    channel_issues = [i for i in issues if len(i)]
    needed = {f.value for f in adapter.needed()}
    errors = report.frame[
        report.frame["severity"].eq(Severity.ERROR.value)
        & report.frame["sku"].notna()
        & report.frame["field"].isin(needed | {_SKU})
        & (report.frame["channel"].isna() | report.frame["channel"].eq(channel))
    ]
    errors = errors[~_at_other_locations(errors, stock, adapter)]
    if channel_issues:
        own = pd.concat(channel_issues, ignore_index=True)
        errors = pd.concat([errors, own[own["severity"].eq(Severity.ERROR.value) & own["sku"].notna()]])
    if len(errors):
        reasons = errors.drop_duplicates("sku").set_index("sku")["code"]
        frame[SKIP] = frame[_SKU].map(reasons).fillna(frame[SKIP]).astype("str")
    return channel_issues


def unknown_locations(catalog: Catalog, adapter: Adapter) -> list[pd.DataFrame]:
    """A channel location no stock row uses: the channel's stock is left as it is (never zeroed), and said."""
    if catalog.stock is None:
        return []
    names = catalog.stock.unknown_locations(adapter.context.config.stock.locations)
    if not names:
        return []
    known = ", ".join(repr(n) for n in catalog.stock.locations()[:10])
    return [
        frame_of(
            STOCK_LOCATION_UNKNOWN,
            message=_(
                "Location {location} in channels.{channel}.stock.locations is not in the stock sheet (its locations: "
                "{known}); this channel's stock is left as it is until it is fixed."
            ).format(location=repr(name), channel=adapter.context.name, known=known),
            file=catalog.stock.source.file,
            sheet=catalog.stock.source.sheet,
            field=Field.QUANTITY.value,
            channel=adapter.context.name,
        )
        for name in names
    ]


def _at_other_locations(errors: pd.DataFrame, stock: Stock | None, adapter: Adapter) -> pd.Series:
    """Stock sheet errors at a location this channel does not sell from: they must not hold the channel back."""
    locations = adapter.context.config.stock.locations
    if stock is None or not locations or not len(errors):
        return pd.Series(False, index=errors.index)
    in_sheet = errors["file"].eq(stock.source.file) & errors["sheet"].fillna("").eq(stock.source.sheet or "")
    rows = stock.frame.set_index(ROW)[str(StockField.LOCATION)]
    rows = rows[~rows.index.duplicated()]
    where = errors["row"].map(rows).astype("str").str.strip().str.casefold()
    wanted = [name.strip().casefold() for name in locations]
    return (in_sheet & where.notna() & ~where.isin(wanted)).fillna(False).astype(bool)


def channel_issue(
    desired: Desired,
    adapter: Adapter,
    code: IssueCode,
    mask: pd.Series,
    message: str | pd.Series,
    field_: Field,
) -> pd.DataFrame:
    """An issue of this channel's rules, placed at the master row and the user's column for ``field_``."""
    frame = desired.frame
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return frame_of(code, message="")[0:0]
    return frame_of(
        code,
        # a message Series may cover every row or only the masked ones (built for those alone)
        message=message.loc[mask.index[mask.to_numpy()]] if isinstance(message, pd.Series) else message,
        rows=frame.loc[mask, ROW].astype("Int64"),
        skus=frame.loc[mask, _SKU],
        values=frame.loc[mask, field_.value].astype("str") if field_.value in frame.columns else None,
        file=desired.source.file,
        sheet=desired.source.sheet,
        column=desired.source.column(field_),
        field=field_.value,
        channel=adapter.context.name,
    )


def _required(desired: Desired, adapter: Adapter, report: Report | None = None) -> Iterable[pd.DataFrame]:
    frame = desired.frame
    wanted = frame[WANTED]
    title = adapter.title or adapter.name
    for field_ in (adapter.key, *adapter.required):
        name = field_.value
        empty = _blank(frame[name]) if name in frame else wanted
        text = _("{channel} needs {a_field} for every product; this one has none.").format(
            channel=title, a_field=indefinite(field_)
        )
        message = _gtin_as_number(frame, report, text, title) if field_ is Field.GTIN and report is not None else text
        yield channel_issue(desired, adapter, CHANNEL_REQUIRED, empty & wanted, message, field_)


def too_long(
    desired: Desired, adapter: Adapter, code: IssueCode, field_: Field, limit: int, template: str
) -> pd.DataFrame:
    """An issue on each wanted item whose ``field_`` holds more than ``limit`` characters (a channel's length rule).
    ``template`` is the translated sentence with ``{limit}`` and ``{length}``, filled for the flagged rows only."""
    frame = desired.frame
    if field_.value not in frame.columns:
        return frame_of(code, message="")[0:0]
    text = frame[field_.value].astype("str")
    over = columns.longer_than(text, limit) & frame[WANTED]
    message = fill(template, limit=number(limit), length=columns.length(text[over]).astype("str"))
    return channel_issue(desired, adapter, code, over, message, field_)


def _blank(values: pd.Series) -> pd.Series:
    """Where a value is missing or only white space (text through Arrow; numbers are blank only when missing)."""
    if values.dtype == "str":
        return columns.is_empty(columns.trim(values))
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        return values.isna()
    return values.isna() | values.astype("str").str.strip().eq("")


def _gtin_as_number(frame: pd.DataFrame, report: Report, message: str, channel: str) -> str | pd.Series:
    """Where the GTIN is missing because a spreadsheet turned it into ``8.71234E+12`` (the master's
    ``gtin-as-number`` error), the message says so and what to do, not only that the GTIN is missing."""
    issues = report.frame[report.frame["code"].eq("gtin-as-number") & report.frame["sku"].notna()]
    if not len(issues):
        return message
    lost = issues.drop_duplicates("sku").set_index("sku")["value"].astype("str")
    shown = frame[_SKU].map(lost)
    has = shown.notna()
    if not has.any():
        return message
    out = pd.Series(message, index=frame.index, dtype="object")
    out[has] = fill(
        _(
            "{channel} needs a GTIN for every product; this one's GTIN {value} was turned into a number in scientific "
            "notation by a spreadsheet (Excel does this to long numbers) and its last digits are lost. Format the GTIN "
            "column as Text and type the full barcode again."
        ),
        channel=channel,
        value='"' + shown[has] + '"',
    )
    return out


def _duplicate_keys(desired: Desired, adapter: Adapter) -> Iterable[pd.DataFrame]:
    if adapter.key is Field.SKU:
        return  # duplicate SKUs are a master error already
    frame = desired.frame
    key = frame[desired.key]
    dup = key.notna() & key.duplicated(keep=False) & frame[WANTED]
    yield channel_issue(
        desired,
        adapter,
        DUPLICATE_KEY,
        dup,
        _("Another product has the same {field}; {channel} keys products by it, so neither is changed.").format(
            field=label(adapter.key), channel=adapter.title or adapter.name
        ),
        adapter.key,
    )
