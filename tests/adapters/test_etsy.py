"""The Etsy adapter: the real EtsyListingsDownload.csv, localised downloads recognised without a header_map (by
name, or by their place next to CURRENCY_CODE), a header_map for the rest, the review file, Etsy's rules."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from chansync.adapters.base import ChannelContext
from chansync.adapters.etsy import EtsyAdapter, EtsySettings
from chansync.adapters.etsy import headers as h
from chansync.adapters.etsy.export import LISTING_PRICE, LISTING_ROW, LISTING_SKUS, find_columns
from chansync.cli import app
from chansync.config import ChannelConfig, load_config
from chansync.errors import AdapterError
from chansync.sync import plan
from chansync.validation import validate
from tests.conftest import REAL_WORLD, REPO, write_config

#: The real download, read where it lies: the shared folder beside the repository or beside one of its parents
#: (a worktree sits one level deeper).
SHARED = next((a / "shared" / "real-world" for a in REPO.parents if (a / "shared" / "real-world" / "etsy").is_dir()),
              REAL_WORLD)  # fmt: skip
REAL = SHARED / "etsy" / "EtsyListingsDownload.csv"
CASE = Path(__file__).resolve().parent.parent / "golden" / "etsy" / "review"


def adapter(header_map: dict[str, str] | None = None) -> EtsyAdapter:
    config = ChannelConfig.model_validate({"adapter": "etsy", "header_map": header_map or {}})
    return EtsyAdapter(ChannelContext("etsy", config, EtsySettings(), "EUR"))


@pytest.mark.skipif(not REAL.exists(), reason="the real-world Etsy download is not available")
def test_reads_the_real_download() -> None:
    state = adapter().read_export(REAL, "EtsyListingsDownload.csv")
    frame = state.frame
    assert not state.issues and state.key == "sku"
    assert frame[LISTING_ROW].nunique() == 92 and len(frame) == 1021 and not frame["sku"].duplicated().any()
    # Multi-line descriptions stay whole: every listing's description has line breaks, none spills into a row.
    assert frame.drop_duplicates(LISTING_ROW)["description"].str.contains("\n").all()
    single = frame[frame[LISTING_SKUS].eq(1)].set_index("sku")
    assert single.loc["12529011997255851358", ["price", "quantity", "currency"]].tolist() == [1399, 999, "USD"]
    several = frame[frame[LISTING_SKUS].gt(1)]
    # One listing price and one total quantity say nothing about a single variation: unknown, the channel's own.
    assert several["price"].isna().all() and several["quantity"].isna().all()
    assert several["_fixed"].eq("price,quantity").all()
    first = several.set_index("sku").loc["66F927A9CDAD6_5436"]
    assert (first["title"], first[LISTING_PRICE], first[LISTING_ROW]) == ("I Eat Cat-Unisex Sweatshirt", "39.99", 2)
    assert frame["title"].str.len().max() == 140


def layout(title: str, description: str, price: str, quantity: str, tags: str, materials: str, image: str,
           variation: tuple[str, str, str]) -> str:  # fmt: skip
    """A download's header row in Etsy's column order, with the given translations."""
    images = [f"{image}{n}" for n in range(1, 11)]
    variations = [f"{word} {n}" for n in (1, 2) for word in variation]
    return ",".join([title, description, price, "CURRENCY_CODE", quantity, tags, materials, *images, *variations,
                     "SKU"])  # fmt: skip


ROWS = (
    'Tazza in gres,"Fatta a mano.\nLavabile in lavastoviglie.",24.00,EUR,6,"tazza,gres",gres,,,,,,,,,,,,,,,,,MUG-11\n'
    'Grembiule di lino,Lino lavato.,39.00,EUR,14,lino,lino,,,,,,,,,,,Colore,Colore principale,"Naturale,Ruggine",,,,'
    '"APR-NAT,APR-RUST"\n'
)


def read(tmp_path: Path, header: str, header_map: dict[str, str] | None = None) -> pd.DataFrame:
    path = tmp_path / "EtsyListingsDownload.csv"
    path.write_text(header + "\n" + ROWS, encoding="utf-8")
    return adapter(header_map).read_export(path, path.name).frame.set_index("sku")


def assert_read(frame: pd.DataFrame) -> None:
    assert list(frame.index) == ["MUG-11", "APR-NAT", "APR-RUST"]
    assert frame.loc["MUG-11", ["title", "price", "quantity", "currency"]].tolist() == ["Tazza in gres", 2400, 6, "EUR"]
    assert frame.loc["MUG-11", "description"] == "Fatta a mano.\nLavabile in lavastoviglie."
    assert frame.loc["APR-RUST", "title"] == "Grembiule di lino" and pd.isna(frame.loc["APR-RUST", "price"])


def test_an_italian_download_without_header_map(tmp_path: Path) -> None:
    header = layout("TITOLO", "DESCRIZIONE", "PREZZO", "QUANTITÀ", "TAG", "MATERIALI", "IMMAGINE",
                    ("TIPO VARIANTE", "NOME VARIANTE", "VALORI VARIANTE"))  # fmt: skip
    assert_read(read(tmp_path, header))


def test_a_french_download_without_header_map(tmp_path: Path) -> None:
    header = layout("TITRE", "DESCRIPTION", "PRIX", "QUANTITÉ", "MOTS-CLÉS", "MATÉRIAUX", "IMAGE",
                    ("TYPE DE VARIATION", "NOM DE VARIATION", "VALEURS DE VARIATION"))  # fmt: skip
    assert_read(read(tmp_path, header))


def test_a_language_chansync_has_no_words_for_is_read_by_the_layout(tmp_path: Path) -> None:
    header = layout("OTSIKKO", "KUVAUS", "HINTA", "MÄÄRÄ", "TUNNISTEET", "MATERIAALIT", "KUVA",
                    ("MUUNNELMA TYYPPI", "MUUNNELMA NIMI", "MUUNNELMA ARVOT"))  # fmt: skip
    assert_read(read(tmp_path, header))


def test_header_map_for_a_download_whose_layout_moved(tmp_path: Path) -> None:
    """Without CURRENCY_CODE where Etsy puts it, only names help: unknown names need the channel's header_map."""
    header = "NIMI,KUVAUS,HINTA,MÄÄRÄ,VALUUTTA,TUNNISTEET,MATERIAALIT," + ",".join([""] * 16) + ",SKU"
    rows = "Tazza,Fatta a mano.,24.00,6,EUR,,,,,,,,,,,,,,,,,,,MUG-11\n"
    path = tmp_path / "EtsyListingsDownload.csv"
    path.write_text(header + "\n" + rows, encoding="utf-8")
    with pytest.raises(AdapterError, match="TITLE, PRICE, QUANTITY"):
        adapter().read_export(path, path.name)
    mapped = {"NIMI": "TITLE", "HINTA": "PRICE", "MÄÄRÄ": "QUANTITY", "VALUUTTA": "CURRENCY_CODE"}
    frame = adapter(mapped).read_export(path, path.name).frame.set_index("sku")
    assert frame.loc["MUG-11", ["title", "price", "quantity", "currency"]].tolist() == ["Tazza", 2400, 6, "EUR"]


def test_a_name_wins_over_a_place() -> None:
    headers = ["TITLE", "PRICE", "DESCRIPTION", "CURRENCY_CODE", "QUANTITY", "SKU"]
    found = find_columns(headers, {})
    assert (found["title"], found["price"], found["description"]) == ("TITLE", "PRICE", "DESCRIPTION")


def test_a_file_that_is_not_a_download(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("Order ID,Buyer\n1,x\n", encoding="utf-8")
    with pytest.raises(AdapterError, match="does not look like an Etsy listings download"):
        adapter().read_export(path, "orders.csv")


def review(folder: Path) -> list[dict[str, str]]:
    for name in ("master.csv", "export.csv"):
        (folder / name).write_bytes((CASE / name).read_bytes())
    channels = {"etsy": {"adapter": "etsy", "export": "export.csv"}}
    path = write_config(folder, {"file": "master.csv", "currency": "EUR"}, channels)
    channel = plan(load_config(path, env={})).channels[0]
    data = b"".join(channel.adapter.render(channel.desired, channel.plan)).decode("utf-8-sig")
    assert channel.plan.items.set_index("sku").loc["APR-NAT", "outcome"] == "update"
    return list(csv.DictReader(io.StringIO(data)))


def test_the_review_file(tmp_path: Path) -> None:
    rows = {r["SKU"]: r for r in review(tmp_path)}
    assert list(rows) == ["MUG-11", "APR-NAT", "APR-RUST", "SOCK-1"]
    mug = rows["MUG-11"]
    assert (mug["Action"], mug["Price"], mug["Currency"], mug["Quantity"], mug["Title"]) == (
        "update", "26.00", "EUR", "4", ""
    )  # fmt: skip
    assert mug["Changes"] == "price: 24.00 -> 26.00; quantity: 6 -> 4" and mug["Listing row"] == "2"
    # Variations take the listing's title from their parent row; their own stock is not in the download.
    apron = rows["APR-RUST"]
    assert (apron["Title"], apron["Quantity"], apron["Listing"]) == ("Washed linen apron", "", "Linen apron")
    assert rows["SOCK-1"]["Action"] == "deactivate"


def test_etsys_rules_through_validate(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text(f"sku,title,price,quantity\nA,{'T' * 141},5.00,1\nB,{'T' * 140},5.00,1\n",
                                    encoding="utf-8")  # fmt: skip
    write_config(tmp_path, {"file": "m.csv", "currency": "EUR"}, {"etsy": {"adapter": "etsy"}})
    result = CliRunner().invoke(app, ["validate", "-c", str(tmp_path / "channels.yaml"), "--format", "json"])
    assert result.exit_code == 1, result.output
    issues = [i for i in json.loads(result.stdout)["issues"] if i["code"].startswith("etsy-")]
    assert [(i["code"], i["row"], i["column"], i["sku"]) for i in issues] == [("etsy-title-too-long", 2, "title", "A")]
    assert "141" in issues[0]["message"]


def test_a_price_rule_that_makes_a_price_zero_is_an_etsy_error(tmp_path: Path) -> None:
    from chansync.adapters.base import Desired
    from chansync.adapters.etsy.rules import check

    (tmp_path / "m.csv").write_text("sku,title,price,quantity\nA,Mug,5.00,1\n", encoding="utf-8")
    write_config(tmp_path, {"file": "m.csv", "currency": "EUR"}, {"etsy": {"adapter": "etsy"}})
    channel = validate(load_config(tmp_path / "channels.yaml", env={}), channels=["etsy"]).channels["etsy"]
    frame = channel.desired.frame.assign(price=pd.array([0], dtype="Int64"))
    desired = Desired(frame, "sku", channel.desired.source, "EUR")
    codes = [c for f in check(desired, channel.adapter) for c in f["code"]]
    assert codes == ["etsy-price-not-positive"]


def test_a_sku_on_two_listings_is_left_alone(tmp_path: Path) -> None:
    header = layout("TITLE", "DESCRIPTION", "PRICE", "QUANTITY", "TAGS", "MATERIALS", "IMAGE",
                    ("VARIATION", "VARIATION", "VARIATION"))  # fmt: skip
    path = tmp_path / "EtsyListingsDownload.csv"
    path.write_text(header + "\n" + ROWS + "Mug again,,20.00,EUR,2,,,,,,,,,,,,,,,,,,,MUG-11\n", encoding="utf-8")
    state = adapter().read_export(path, path.name)
    assert sorted(state.frame.loc[state.frame["sku"].eq("MUG-11"), "price"].tolist()) == [2000, 2400]
    issues = pd.concat(state.issues, ignore_index=True)
    assert issues[["code", "severity", "sku"]].drop_duplicates().values.tolist() == [
        ["channel-duplicate-key", "warning", "MUG-11"]
    ]
    assert sorted(issues["row"].tolist()) == [2, 4] and "leaves it alone" in issues["message"].iloc[0]


@pytest.mark.parametrize("language", sorted(h.TRANSLATED))
def test_each_language_table_is_recognised_by_name(language: str) -> None:
    """By name alone (CURRENCY_CODE moved away, so the layout cannot help)."""
    words = h.TRANSLATED[language]
    file_headers = [words[h.PRICE], words[h.TITLE], words[h.QUANTITY], words[h.DESCRIPTION], "SKU", "CURRENCY_CODE"]
    found = find_columns(file_headers, {})
    assert {n: found[n] for n in (h.TITLE, h.PRICE, h.QUANTITY, h.DESCRIPTION)} == {
        h.TITLE: words[h.TITLE], h.PRICE: words[h.PRICE], h.QUANTITY: words[h.QUANTITY],
        h.DESCRIPTION: words[h.DESCRIPTION],
    }  # fmt: skip
