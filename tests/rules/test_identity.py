from __future__ import annotations

from tests.conftest import MasterFactory, check


def test_duplicate_skus_including_spaces(master: MasterFactory) -> None:
    config = master(
        "sku,title,price\nAB-1,Mok,12.50\nAB-2,Beker,8\nAB-1,Mok groot,14\nAB-3\u00a0,Schaal,9\n AB-3,Klein,7\n"
    )
    found = check(config, "duplicate-sku")
    assert found["row"].tolist() == [2, 4, 5, 6]
    assert set(found["column"]) == {"sku"}
    assert found["sku"].tolist() == ["AB-1", "AB-1", "AB-3", "AB-3"]
    assert found.loc[0, "message"] == 'The SKU "AB-1" appears in rows 2, 4; each SKU must be unique.'
    assert "non-breaking spaces" in found.loc[2, "message"]
    assert set(found["severity"]) == {"error"}


def test_required_values(master: MasterFactory) -> None:
    config = master("sku,title,price,status\n,Geen sku,1,active\nA,,2,active\nB,Geen prijs,,active\nC,,,inactive\n")
    found = check(config, "required-value")
    places = list(zip(found["row"], found["column"], found["message"], strict=True))
    assert (2, "sku", "This row has no SKU; it cannot be matched on any channel.") in places
    assert (3, "title", "This active product has no title.") in places
    assert (4, "price", "This active product has no price.") in places
    assert not any(row == 5 for row, _, _ in places)  # inactive products may be incomplete


def test_parent_of_variants_needs_no_price(master: MasterFactory) -> None:
    config = master("sku,title,price,parent_sku\nJ,Jas,,\nJ-S,Jas S,10,J\nJ-M,Jas M,10,X\n")
    assert check(config, "required-value").empty
    unknown = check(config, "parent-sku-unknown")
    assert unknown["row"].tolist() == [4] and unknown["column"].tolist() == ["parent_sku"]
    assert '"X"' in unknown.loc[0, "message"]


def test_gtin_rules_with_user_header(master: MasterFactory) -> None:
    config = master(
        "sku,title,price,EAN\nG1,a,1,8712345678906\nG2,a,1,8712345678900\nG3,a,1,8.71234E+12\nG4,a,1,12345\n"
        "G5,a,1,87123456789AB\nG6,a,1,36000291452\nG7,a,1,0000000000000\nG8,a,1,96385074\nG9,a,1,036000291452\n",
        columns={"gtin": "EAN"},
    )
    check_digit = check(config, "gtin-check-digit")
    assert check_digit["row"].tolist() == [3] and check_digit["column"].tolist() == ["EAN"]
    assert check_digit.loc[0, "message"] == (
        'The GTIN "8712345678900" has a wrong check digit: it ends in 0 but its digits call for 6.'
    )
    sci = check(config, "gtin-as-number")
    assert sci["row"].tolist() == [4]
    assert "turned into a number" in sci.loc[0, "message"] and "format the column as Text" in sci.loc[0, "message"]
    invalid = check(config, "gtin-invalid")
    assert invalid["row"].tolist() == [5, 6, 8]
    assert "not 8, 12, 13 or 14 digits" in invalid.loc[0, "message"]
    assert "other than digits" in invalid.loc[1, "message"] and "all zeros" in invalid.loc[2, "message"]
    zero = check(config, "gtin-leading-zero")
    assert zero["row"].tolist() == [7] and zero.loc[0, "severity"] == "warning"
    assert '"036000291452"' in zero.loc[0, "message"]


def test_sku_too_long(master: MasterFactory) -> None:
    found = check(master("sku,title,price\n" + "S" * 101 + ",a,1\n"), "sku-too-long")
    assert found["row"].tolist() == [2]


def test_distinct_sku_count_matches_pandas(master: MasterFactory) -> None:
    """The report's SKU count comes from the duplicate check's codes; it must agree with counting the column."""
    from chansync.catalog import read_master
    from chansync.rules import distinct_skus

    config = master("sku,title,price,parent_sku\nA,a,1,\nB,b,1,A\nA,a2,1,\n,none,1,\nC,c,1,Z\nB,b2,1,\n")
    catalog = read_master(config)
    skus = catalog.frame["sku"]
    assert distinct_skus(catalog) == skus[skus.ne("")].nunique() == 3  # a row without a SKU is not one more
