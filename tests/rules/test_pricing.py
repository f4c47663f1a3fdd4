from __future__ import annotations

from tests.conftest import MasterFactory, check


def test_prices_parse_where_unambiguous(master: MasterFactory) -> None:
    config = master(
        'sku,title,Prijs,sale_price\nP1,a,"12,50",\nP2,a,"1.234,56",\nP3,a,"€ 12,50",\nP4,a,"1,234",\nP5,a,abc,\n'
        "P6,a,-5,\nP7,a,10.00,12.00\nP8,a,0,\nP9,a,1.999,\n",
        columns={"price": "Prijs"},
    )
    ambiguous = check(config, "price-ambiguous")
    assert ambiguous["row"].tolist() == [5, 10] and set(ambiguous["column"]) == {"Prijs"}
    assert "could mean 1.234 or 1234" in ambiguous.loc[0, "message"]
    invalid = check(config, "price-invalid")
    assert invalid["row"].tolist() == [6, 7, 9]
    assert invalid["message"].tolist() == [
        'The price "abc" is not a price.',
        'The price "-5" is negative.',
        'The price "0" is zero; a price must be above zero.',
    ]
    above = check(config, "sale-price-above-price")
    assert above["row"].tolist() == [8] and above["column"].tolist() == ["sale_price"]
    assert above.loc[0, "message"] == 'The sale price "12.00" is above the price "10.00".'


def test_override_column_per_channel(master: MasterFactory) -> None:
    config = master("sku,title,price,price@bol\nA,a,10,abc\nB,b,10,11.5\n")
    found = check(config, "price-invalid")
    assert found["row"].tolist() == [2] and found["column"].tolist() == ["price@bol"]
    assert found["channel"].tolist() == ["bol"]


def test_currency(master: MasterFactory) -> None:
    found = check(master("sku,title,price,currency\nA,a,1,EUR\nB,b,1,euro\nC,c,1,usd\n"), "currency-invalid")
    assert found["row"].tolist() == [3] and '"euro"' in found.loc[0, "message"]
