"""The bol.com adapter: the offer export, the review file it writes, round trips, variants and bol's rules
(13-digit EANs, stock at most 999)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
import yaml

from chansync.adapters.base import AdapterSettings, ChannelContext, ChannelState
from chansync.adapters.bol import BolAdapter
from chansync.config import ChannelConfig, load_config
from chansync.diff import Plan, diff
from chansync.errors import AdapterError
from chansync.sync import ChannelPlan, plan
from chansync.validation import validate
from tests.adapters.helpers import assert_no_changes, full_plan, write_feed
from tests.conftest import REPO, SAMPLES, write_config

EXPORT = SAMPLES / "exports" / "bol_offers.csv"


def adapter() -> BolAdapter:
    config = ChannelConfig.model_validate({"adapter": "bol"})
    return BolAdapter(ChannelContext("bol", config, AdapterSettings(), "EUR"))


def sample_plan(folder: Path, export: Path = EXPORT) -> ChannelPlan:
    """The bundled master (mapped as in channels.example.yaml, its Prijs@bol column included) against an offer
    export."""
    example = yaml.safe_load((REPO / "channels.example.yaml").read_text(encoding="utf-8"))
    master = example["master"] | {"file": str(SAMPLES / "master.xlsx")}
    channel = {"adapter": "bol", "export": str(export), "listing": {"unknown": "delist"}}
    path = write_config(folder, master, {"bol": channel})
    return plan(load_config(path, env={}), channels=["bol"]).channels[0]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> ChannelPlan:
    return sample_plan(tmp_path_factory.mktemp("bol"))


def rows_of(data: bytes | Path) -> list[dict[str, str]]:
    text = data.read_text(encoding="utf-8") if isinstance(data, Path) else data.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def feed_text(channel: ChannelPlan, the_plan: Plan | None = None) -> str:
    return b"".join(channel.adapter.render(channel.desired, the_plan or channel.plan)).decode("utf-8")


# --- reading --------------------------------------------------------------------------------------------------


def test_reads_the_sample_offer_export() -> None:
    state = adapter().read_export(EXPORT, "bol_offers.csv")
    frame = state.frame.set_index("gtin")
    assert len(frame) == 36 and not state.issues and state.key == "gtin"
    assert frame["_live"].sum() == 34
    by_sku = frame.reset_index().set_index("sku")
    fbb = by_sku.loc["BG-7001"]
    assert (fbb["fulfilment"], fbb["price"]) == ("FBB", 8995) and pd.isna(fbb["quantity"])  # bol's own stock
    on_hold = by_sku.loc["LK-6002"]
    assert (on_hold["on_hold"], on_hold["_live"], on_hold["quantity"]) == (True, False, 21)
    used = by_sku.loc["BG-7003"]
    assert (used["condition"], used["bol_condition"], used["_live"]) == ("used", "REASONABLE", False)
    assert by_sku.loc["KT-2003", ["condition", "bol_condition"]].tolist() == ["refurbished", "AS_NEW"]
    variant = by_sku.loc["JK-RAIN-ZWA-L"]
    assert (variant["gtin"], variant["price"], variant["quantity"]) == ("8710000210034", 9995, 20)
    assert by_sku.loc["TL-5002", "price"] == 4250
    assert by_sku.loc["VL-1001", "offer_id"] == "eda99aad-134f-59d9-8511-852403ed4bed"
    assert "OLD-0005" in by_sku.index and not any(s.startswith("GL-WINTER") for s in by_sku.index)


NEWER = (
    "offerId,ean,conditionName,conditionCategory,conditionComment,bundlePricesPrice,fulfilmentDeliveryCode,"
    "stockAmount,onHoldByRetailer,fulfilmentType,mutationDateTime,referenceCode,economicOperatorId\n"
    "o-1,36000291452,NEW,NEW,,5.95,1-2d,4,false,FBR,2026-11-01 08:00:00.1 UTC,BT-8004,EO-1\n"
    "o-2,8.71E+12,NEW,NEW,,1.00,1-2d,1,false,FBR,2026-11-01 08:00:00.1 UTC,X-1,\n"
    'o-3,8712345678906,MODERATE,SECONDHAND,Kras,"12,50",1-2d,2,FALSE,fbr,2026-11-01 08:00:00.1 UTC,X-2,\n'
    "o-4,036000291452,NEW,NEW,,1.00,1-2d,1,TRUE,FBB,2026-11-01 08:00:00.1 UTC,X-3,\n"
    "o-5,8712345678913,BROKEN,NEW,,2.00,1-2d,1,false,FBR,2026-11-01 08:00:00.1 UTC,X-4,\n"
)


def test_a_newer_export_with_lost_zeros_a_mangled_ean_and_an_unknown_condition(tmp_path: Path) -> None:
    path = tmp_path / "offers.csv"
    path.write_text(NEWER, encoding="utf-8")
    state = adapter().read_export(path, "offers.csv")
    frame = state.frame
    assert frame["gtin"].tolist() == ["0036000291452", "8712345678906", "0036000291452", "8712345678913"]
    assert frame["sku"].tolist() == ["BT-8004", "X-2", "X-3", "X-4"]  # the scientific-notation EAN is left out
    assert frame["condition"].iloc[:3].tolist() == ["new", "used", "new"] and pd.isna(frame["condition"].iloc[3])
    assert frame["price"].tolist() == [595, 1250, 100, 200]
    assert frame["_live"].tolist() == [True, True, False, True]
    assert frame["fulfilment"].tolist() == ["FBR", "FBR", "FBB", "FBR"] and pd.isna(frame["quantity"].iloc[2])
    issues = pd.concat(state.issues, ignore_index=True)
    assert issues[["code", "row", "column", "value"]].values.tolist() == [
        ["export-value-invalid", 3, "ean", "8.71E+12"],
        ["channel-duplicate-key", 2, "ean", "0036000291452"],  # one EAN in two offers once its zeros are back
        ["channel-duplicate-key", 5, "ean", "0036000291452"],
        ["export-value-invalid", 6, "conditionName", "BROKEN"],
    ]


def test_a_file_that_is_not_an_offer_export(tmp_path: Path) -> None:
    path = tmp_path / "offers.csv"
    path.write_text("offerId,price\na,1.00\n", encoding="utf-8")
    with pytest.raises(AdapterError, match='no column "ean"'):
        adapter().read_export(path, "offers.csv")


# --- the desired state and the plan ---------------------------------------------------------------------------


def test_the_desired_state_in_bols_terms(sample: ChannelPlan) -> None:
    desired = sample.desired.frame.set_index("sku")
    assert desired.loc["BT-8003", "gtin"] == "0036000291452"  # a 12-digit UPC with bol's leading zero
    assert desired.loc["BT-8004", "gtin"] == "0036000291469"  # a UPC whose zero a spreadsheet dropped
    assert desired.loc["VL-1003", "price"] == 5199 and desired.loc["TL-5002", "price"] == 4250  # Prijs@bol
    assert desired.loc["KT-2003", "condition"] == "refurbished" and desired.loc["VL-1001", "condition"] == "new"
    assert sample.adapter.key.value == sample.plan.key == "gtin"


def test_the_sample_plan(sample: ChannelPlan) -> None:
    counts = sample.plan.counts()
    assert (counts["create"], counts["update"], counts["delist"]) == (6, 5, 2)
    items = sample.plan.items.set_index("sku")
    assert items.loc["LK-6002", "fields"] == "listed"  # on hold on bol, active in the master
    assert items.loc["VL-1003", "fields"] == "price"
    assert sorted(items.index[items["outcome"].eq("delist")]) == ["LK-6003", "OLD-0005"]
    assert items.loc["BG-7003", "outcome"] == "unchanged"  # inactive in the master and on hold on bol already
    assert items.loc["BG-7001", "outcome"] == "unchanged"  # its stock is bol's (FBB): never compared
    assert not [i for i in sample.issues if len(i) and (i["code"] == "channel-duplicate-key").any()]


EXPECTED_UPDATE_FILE = """\
ean,condition,price,stock,fulfilment,reference,onHold
0036000291469,NEW,5.95,5,FBR,BT-8004,false
8710000010030,NEW,51.99,16,FBR,VL-1003,false
8710000020015,NEW,7.95,21,FBR,KT-2001,false
8710000050036,NEW,18.95,10,FBR,TL-5003,false
8710000060028,NEW,79.00,21,FBR,LK-6002,false
8710000060035,NEW,44.95,0,FBR,LK-6003,true
8710000080026,NEW,9.95,18,FBR,BT-8002,false
8710000210034,NEW,99.95,19,FBR,JK-RAIN-ZWA-L,false
8710000230018,NEW,29.95,4,FBR,GL-WINTER-ZWA-S,false
8710000230025,NEW,29.95,12,FBR,GL-WINTER-ZWA-M,false
8710000230032,NEW,29.95,18,FBR,GL-WINTER-ZWA-L,false
8710000230049,NEW,29.95,5,FBR,GL-WINTER-ZWA-XL,false
8710000999915,NEW,6.95,0,FBR,OLD-0005,true
"""


def test_the_update_file(sample: ChannelPlan) -> None:
    # BG-7001 (fulfilled by bol, so its stock is bol's) differs in stock only: nothing to write for it.
    assert feed_text(sample) == EXPECTED_UPDATE_FILE


def test_fbb_offers_and_bols_own_condition_names_are_kept(tmp_path: Path) -> None:
    lines = EXPORT.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = [
        line.replace(",89.95,", ",84.95,") if line.endswith(",BG-7001\n")  # FBB: a changed price
        else line.replace(",true,FBR,", ",false,FBR,") if line.endswith(",BG-7003\n")  # live, inactive in master
        else line
        for line in lines
    ]  # fmt: skip
    export = tmp_path / "offers.csv"
    export.write_text("".join(changed), encoding="utf-8")
    channel = sample_plan(tmp_path, export)
    rows = {r["reference"]: r for r in rows_of(feed_text(channel).encode())}
    assert rows["BG-7001"] == {"ean": "8710000070010", "condition": "NEW", "price": "89.95", "stock": "",
                               "fulfilment": "FBB", "reference": "BG-7001", "onHold": "false"}  # fmt: skip
    assert rows["BG-7003"] == {"ean": "8710000070034", "condition": "REASONABLE", "price": "14.95", "stock": "0",
                               "fulfilment": "FBR", "reference": "BG-7003", "onHold": "true"}  # fmt: skip


# --- round trips ----------------------------------------------------------------------------------------------


def test_round_trip_of_the_whole_catalogue(sample: ChannelPlan, tmp_path: Path) -> None:
    files = write_feed(sample.adapter, sample, full_plan(sample), tmp_path)
    state = adapter().read_export(files[""], "feed")  # the review file reads back as an export
    assert len(state.frame) == 39 and not state.issues
    assert_no_changes(sample, state)


def test_round_trip_of_the_update_file_over_the_export(sample: ChannelPlan, tmp_path: Path) -> None:
    files = write_feed(sample.adapter, sample, sample.plan, tmp_path)
    written = adapter().read_export(files[""], "feed").frame
    written = written.set_index(written["gtin"].to_numpy())
    current = sample.plan.current
    after = pd.concat([current.drop(index=written.index, errors="ignore"), written])
    again = diff(sample.desired, ChannelState(after.reset_index(drop=True), "gtin", "after"), channel="bol",
                 adapter="bol", fields=list(sample.adapter.carried()))  # fmt: skip
    counts = again.counts()
    assert (counts["create"], counts["delist"]) == (0, 0)  # delisted offers are on hold now
    # Nothing left: the stock of the offer bol fulfils (BG-7001) is bol's to count, neither compared nor written.
    assert again.changes.empty


def test_variants_keep_their_own_ean_reference_price_and_stock(sample: ChannelPlan, tmp_path: Path) -> None:
    files = write_feed(sample.adapter, sample, full_plan(sample), tmp_path)
    rows = [r for r in rows_of(files[""]) if r["reference"].startswith("JK-RAIN")]
    assert [r["reference"] for r in rows] == [f"JK-RAIN-{c}-{s}" for c in ("ZWA", "BLA") for s in "SML"]
    assert len({r["ean"] for r in rows}) == 6
    desired = sample.desired.frame.set_index("sku")
    for row in rows:
        own = desired.loc[row["reference"]]
        assert (row["ean"], row["price"], row["stock"]) == (own["gtin"], "99.95", str(own["quantity"]))
    assert [r["stock"] for r in rows] == ["3", "11", "19", "1", "12", "15"]
    assert "JK-RAIN" not in {r["reference"] for r in rows_of(files[""])}  # the parent is not an offer


# --- bol's rules ----------------------------------------------------------------------------------------------

GTIN8, GTIN14, GTIN14_ZERO = "96385074", "18712345678903", "08712345678913"


def test_bols_rules_are_reported_at_the_master_row_and_column(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text(
        "Artikelnummer,Titel,Prijs,EAN,Voorraad\n"
        "E13,Lamp,1.00,8712345678906,3\n"
        "E12,Bel,1.00,036000291452,1500\n"
        f"E8,Pomp,1.00,{GTIN8},2\n"
        f"E14,Doos,1.00,{GTIN14},1\n"
        f"E14Z,Set,1.00,{GTIN14_ZERO},1\n",
        encoding="utf-8",
    )
    columns = {"sku": "Artikelnummer", "title": "Titel", "price": "Prijs", "gtin": "EAN", "quantity": "Voorraad"}
    path = write_config(tmp_path, {"file": "m.csv", "columns": columns}, {"bol": {"adapter": "bol"}})
    result = validate(load_config(path, env={}), channels=["bol"])
    report = result.report.frame
    invalid = report[report["code"].eq("bol-ean-invalid")]
    assert invalid[["severity", "row", "column", "sku", "channel", "value"]].values.tolist() == [
        ["error", 4, "EAN", "E8", "bol", GTIN8],
        ["error", 5, "EAN", "E14", "bol", GTIN14],
    ]
    assert [m.rsplit("; ", 1)[1] for m in invalid["message"]] == ["this GTIN has 8 digits.", "this GTIN has 14 digits."]
    capped = report[report["code"].eq("bol-stock-capped")]
    assert capped[["severity", "row", "column", "sku", "field"]].values.tolist() == [
        ["warning", 3, "Voorraad", "E12", "quantity"]
    ]
    assert "1500" in capped["message"].iloc[0] and "999" in capped["message"].iloc[0]
    desired = result.channels["bol"].desired.frame.set_index("sku")
    assert desired["gtin"].to_dict() == {"E13": "8712345678906", "E12": "0036000291452", "E8": GTIN8, "E14": GTIN14,
                                         "E14Z": GTIN14_ZERO[1:]}  # fmt: skip
    assert desired.loc["E12", "quantity"] == 999
    assert desired["_skip"].to_dict() == {"E13": "", "E12": "", "E8": "bol-ean-invalid", "E14": "bol-ean-invalid",
                                          "E14Z": ""}  # fmt: skip


def test_the_sample_export_is_what_the_tool_writes(tmp_path: Path) -> None:
    from tools.marketplace_exports import write_bol

    assert write_bol(tmp_path).read_bytes() == EXPORT.read_bytes()


def test_an_export_without_a_column_compares_nothing_for_that_field(tmp_path: Path) -> None:
    """An offer export without referenceCode, conditionName and stockAmount says nothing about SKU, condition or
    stock: the state has no such columns, so the plan changes none of them (only what the export shows)."""
    frame = pd.read_csv(EXPORT, dtype=str, keep_default_na=False)
    export = tmp_path / "narrow.csv"
    frame.drop(columns=["referenceCode", "conditionName", "stockAmount"]).to_csv(export, index=False)
    state = adapter().read_export(export, "narrow.csv")
    assert not {"sku", "condition", "quantity"} & set(state.frame.columns)
    assert {"gtin", "price", "offer_id"} <= set(state.frame.columns)
    channel = sample_plan(tmp_path, export)
    assert set(channel.plan.changes["field"]) <= {"price", "listed"}
    assert channel.plan.changes["field"].eq("price").any()


def test_an_ean_twice_in_the_export_is_a_located_warning(tmp_path: Path) -> None:
    lines = EXPORT.read_text(encoding="utf-8").splitlines(keepends=True)
    export = tmp_path / "twice.csv"
    again = lines[1].replace(",NEW,NEW,", ",GOOD,SECONDHAND,").replace("eda99aad", "0000aaad")
    export.write_text("".join([*lines, again]), encoding="utf-8")
    state = adapter().read_export(export, "twice.csv")
    issues = pd.concat(state.issues)
    found = issues[issues["code"].eq("channel-duplicate-key")]
    ean_ = lines[1].split(",")[1]
    last = len(lines) + 1  # the appended line's row in the file (the header is row 1)
    assert found["row"].tolist() == [2, last] and set(found["severity"]) == {"warning"}
    assert set(found["value"]) == {ean_} and set(found["column"]) == {"ean"} and set(found["file"]) == {"twice.csv"}
    assert found["message"].str.contains(f"rows 2, {last}", regex=False).all()
    sample_plan(tmp_path, export)  # the plan is still made (the diff decides what to do with the key)
