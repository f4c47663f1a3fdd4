"""Writing Shopify's product CSV (every variant of a written product grouped under its handle) and its inventory
CSV (stock for one location)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ...fields import Field
from ..feeds import as_text, slug, values_of, variant_groups
from ..html import MASTER_HTML, keep_html
from .columns import BODY_HTML, HANDLE, ON_HAND, OPTION_NAMES, OPTION_VALUES, PRODUCT_STATUS

if TYPE_CHECKING:
    from ...model import Plan
    from . import ShopifySettings

INVENTORY_HEADERS = ["Handle", "SKU", "Location", "On hand (current)", "On hand (new)"]


def _handles(rows: pd.DataFrame, current: pd.DataFrame) -> pd.Series:
    """The handle of each row's product: the one Shopify already has for any of its variants, else a new one."""
    groups = variant_groups(rows)
    known = rows.index.to_series().map(current[HANDLE]) if HANDLE in current.columns else None
    if known is not None:
        by_group = known.dropna().groupby(groups[known.notna()]).first()
        return groups.map(by_group).fillna(slug(groups)).astype("str")
    return slug(groups)


def _on_channel(rows: pd.DataFrame, current: pd.DataFrame, name: str) -> pd.Series | None:
    """Column ``name`` of the channel's state for each row's key (NA for a key the channel does not have)."""
    if name not in current.columns:
        return None
    values = current[name][~current.index.duplicated()]
    return rows.index.to_series().map(values)


def _options(rows: pd.DataFrame, current: pd.DataFrame, settings: ShopifySettings) -> pd.DataFrame:
    """Option names and values to write. A product Shopify has keeps its own option names (all three, in its
    order, ``Title``/``Default Title`` included), with the master's colour and size put into the options named so.
    A new product gets the configured colour and size names, or ``Title``/``Default Title`` without either."""
    color = values_of(rows, Field.COLOR).astype("str").fillna("")
    size = values_of(rows, Field.SIZE).astype("str").fillna("")
    has_color = color.ne("").groupby(rows[HANDLE]).transform("any")
    has_size = size.ne("").groupby(rows[HANDLE]).transform("any")
    simple = ~has_color & ~has_size
    out = pd.DataFrame(index=rows.index)
    out[OPTION_NAMES[0]] = pd.Series(settings.size_option, index=rows.index).where(~has_color, settings.color_option)
    out[OPTION_NAMES[0]] = out[OPTION_NAMES[0]].where(~simple, "Title")
    out[OPTION_VALUES[0]] = size.where(~has_color, color).where(~simple, "Default Title")  # not shown: Shopify's value
    out[OPTION_NAMES[1]] = pd.Series(settings.size_option, index=rows.index).where(has_color & has_size, "")
    out[OPTION_VALUES[1]] = size.where(has_color & has_size, "")
    out[OPTION_NAMES[2]] = ""
    out[OPTION_VALUES[2]] = ""
    if OPTION_NAMES[0] not in current.columns or HANDLE not in current.columns:
        return out
    named = current[current[OPTION_NAMES[0]].fillna("").ne("")]
    by_handle = named.drop_duplicates(HANDLE).set_index(HANDLE)
    known = rows[HANDLE].isin(by_handle.index)
    colors = {n.strip().casefold() for n in settings.color_names}
    sizes = {n.strip().casefold() for n in settings.size_names}
    for name_col, value_col in zip(OPTION_NAMES, OPTION_VALUES, strict=True):
        name = rows[HANDLE].map(by_handle[name_col]).fillna("").astype("str")
        value = _on_channel(rows, current, value_col)
        value = value.fillna("").astype("str") if value is not None else pd.Series("", index=rows.index)
        folded = name.str.strip().str.casefold()
        value = value.mask(folded.isin(colors) & color.ne(""), color).mask(folded.isin(sizes) & size.ne(""), size)
        out[name_col] = name.where(known, out[name_col])
        out[value_col] = value.where(known, out[value_col])
    return out


def product_rows(plan: Plan, settings: ShopifySettings) -> pd.DataFrame:
    from ...model import CREATE, DELIST, SKIPPED, UNCHANGED, UPDATE

    desired, current = plan.desired, plan.current
    listed = desired.loc[plan.keys(CREATE, UPDATE, UNCHANGED).intersection(desired.index)]
    listed = listed.assign(**{PRODUCT_STATUS: "active"})
    listed[HANDLE] = _handles(listed, current)
    touched = listed.index.isin(plan.keys(CREATE, UPDATE))
    written_handles = set(listed.loc[touched, HANDLE])
    wanted = listed[listed[HANDLE].isin(written_handles)]
    # Variants Shopify has that this run leaves as they are (skipped) or takes off (delisted). Within a written
    # product they are written as they are now (stock of a delisted one goes to 0 in the inventory file); a product
    # none of whose variants stays is set to draft.
    skipped, delisted = plan.keys(SKIPPED), plan.keys(DELIST)
    others = current.loc[skipped.union(delisted).intersection(current.index)]
    if HANDLE not in others.columns or PRODUCT_STATUS not in others.columns:
        others = others.iloc[0:0].assign(**{HANDLE: "", PRODUCT_STATUS: ""})
    gone = set(others.loc[others.index.isin(delisted), HANDLE]) - set(listed[HANDLE])
    gone -= set(others.loc[others.index.isin(skipped), HANDLE])
    others = others[others[HANDLE].isin(written_handles | gone)]
    others = others.assign(**{PRODUCT_STATUS: others[PRODUCT_STATUS].mask(others[HANDLE].isin(gone), "draft")})
    rows = pd.concat([wanted, others]) if len(others) else wanted
    if not len(rows):
        return pd.DataFrame(columns=PRODUCT_HEADERS)
    rows = rows.assign(_order=range(len(rows))).sort_values([HANDLE, "_order"], kind="stable")
    first = ~rows[HANDLE].duplicated()
    options = _options(rows, current, settings)
    price, sale = values_of(rows, Field.PRICE).astype("Int64"), values_of(rows, Field.SALE_PRICE).astype("Int64")
    on_sale = sale.notna() & (sale < price).fillna(False)
    out = pd.DataFrame(index=rows.index)

    def product_level(values: pd.Series) -> pd.Series:
        return values.where(first, "")

    out["Handle"] = rows[HANDLE]
    out["Title"] = product_level(as_text(Field.TITLE, values_of(rows, Field.TITLE)))
    description = as_text(Field.DESCRIPTION, values_of(rows, Field.DESCRIPTION))
    own = rows.get(MASTER_HTML)
    out["Body (HTML)"] = product_level(keep_html(description, _on_channel(rows, current, BODY_HTML),
                                                 _on_channel(rows, current, Field.DESCRIPTION.value), own))  # fmt: skip
    out["Vendor"] = product_level(as_text(Field.BRAND, values_of(rows, Field.BRAND)))
    out["Type"] = product_level(as_text(Field.CATEGORY, values_of(rows, Field.CATEGORY)))
    out["Published"] = product_level(rows[PRODUCT_STATUS].eq("active").map({True: "TRUE", False: "FALSE"}))
    for i in range(3):
        out[f"Option{i + 1} Name"] = product_level(options[OPTION_NAMES[i]])
        out[f"Option{i + 1} Value"] = options[OPTION_VALUES[i]]
    out["Variant SKU"] = rows.index.astype("str")
    out["Variant Price"] = as_text(Field.PRICE, sale.where(on_sale, price))
    out["Variant Compare At Price"] = as_text(Field.PRICE, price.where(on_sale))
    out["Variant Barcode"] = as_text(Field.GTIN, values_of(rows, Field.GTIN))
    out["Image Src"] = product_level(as_text(Field.IMAGE_URL, values_of(rows, Field.IMAGE_URL)))
    out["Variant Image"] = as_text(Field.IMAGE_URL, values_of(rows, Field.IMAGE_URL))
    out["Status"] = product_level(rows[PRODUCT_STATUS].replace("", "active"))
    return out[_kept_headers(out, current)]


#: Written columns that carry one field, for :func:`_kept_headers`.
_FIELD_OF = {"Body (HTML)": Field.DESCRIPTION, "Vendor": Field.BRAND, "Type": Field.CATEGORY,
             "Variant Barcode": Field.GTIN, "Image Src": Field.IMAGE_URL, "Variant Image": Field.IMAGE_URL}  # fmt: skip


def _kept_headers(out: pd.DataFrame, current: pd.DataFrame) -> list[str]:
    """The headers to write: a column empty in every row is left out when the export had no such column either.
    Shopify leaves a value alone when its column is absent, and a blank cell could clear what the shop has
    (https://help.shopify.com/en/manual/products/import-export/using-csv)."""
    unknown = {h for h, f in _FIELD_OF.items() if f.value not in current.columns and out[h].eq("").all()}
    return [h for h in PRODUCT_HEADERS if h not in unknown]


PRODUCT_HEADERS = ["Handle", "Title", "Body (HTML)", "Vendor", "Type", "Published", "Option1 Name", "Option1 Value",
                   "Option2 Name", "Option2 Value", "Option3 Name", "Option3 Value", "Variant SKU",
                   "Variant Price", "Variant Compare At Price",
                   "Variant Barcode", "Image Src", "Variant Image", "Status"]  # fmt: skip


def inventory_rows(plan: Plan, location: str | None) -> pd.DataFrame:
    """Stock for every created variant and every variant whose stock changes; delisted variants go to 0 available.
    The import sets on hand, so each row asks for the wanted available quantity plus what is on hand but not
    available (committed to orders, unavailable) as exported; a variant without those numbers gets the wanted one."""
    from ...model import CREATE, DELIST

    quantity = Field.QUANTITY.value
    changed = plan.changes.loc[plan.changes["field"].eq(quantity), "key"]
    set_keys = plan.keys(CREATE).union(pd.Index(changed)).intersection(plan.desired.index)
    new = plan.desired.loc[set_keys, quantity].astype("Int64")
    new = new[new.notna()]
    zero_keys = plan.keys(DELIST).intersection(plan.current.index)
    values = pd.concat([new, pd.Series(0, index=zero_keys, dtype="Int64")])
    handles = _handles(plan.desired.loc[new.index], plan.current) if len(new) else pd.Series(dtype="str")
    if len(zero_keys):
        handles = pd.concat([handles, plan.current.loc[zero_keys, HANDLE].astype("str")])
    current = plan.current[~plan.current.index.duplicated()]
    keys = values.index.to_series()
    unknown = pd.Series(pd.NA, index=keys.index, dtype="Int64")
    on_hand = keys.map(current[ON_HAND]).astype("Int64") if ON_HAND in current else unknown
    available = keys.map(current[quantity]).astype("Int64") if quantity in current else unknown
    held = (on_hand - available).fillna(0).clip(lower=0).astype("Int64")
    out = pd.DataFrame(
        {
            "Handle": handles.reindex(values.index).astype("str").to_numpy(),
            "SKU": values.index.astype("str"),
            "Location": location or "",
            "On hand (current)": as_text(Field.QUANTITY, on_hand.astype("Int64")).to_numpy(),
            "On hand (new)": as_text(Field.QUANTITY, (values + held.to_numpy()).astype("Int64")).to_numpy(),
        }
    )
    return out[INVENTORY_HEADERS].sort_values(["Handle", "SKU"], kind="stable").reset_index(drop=True)
