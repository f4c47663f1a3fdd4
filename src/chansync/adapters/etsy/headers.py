"""The headers of ``EtsyListingsDownload.csv`` in the languages Etsy offers sellers, and its fixed column order.

Etsy writes the download's headers in the seller's language but leaves ``CURRENCY_CODE`` and ``SKU`` in English
(section 7 of the channel reference, from an Italian export). There is no official page listing the translated
headers, so:

- English is confirmed by a real file (``real-world/etsy/EtsyListingsDownload.csv``);
- Italian ``TITOLO``, ``PREZZO``, ``QUANTITÀ``, ``IMMAGINE1``, ``TIPO VARIANTE 1`` are confirmed by the reference;
- every other spelling below is chansync's reading of Etsy's interface words and is **unconfirmed**
  (docs/channels/etsy.md lists them).

What makes any language readable without a ``header_map`` is the layout, which the real file shows:
``TITLE, DESCRIPTION, PRICE, CURRENCY_CODE, QUANTITY, TAGS, MATERIALS, IMAGE1…IMAGE10, VARIATION 1 TYPE/NAME/VALUES,
VARIATION 2 TYPE/NAME/VALUES, SKU``. Where a column's name is not known, its place next to the English
``CURRENCY_CODE`` names it.
"""

from __future__ import annotations

TITLE, DESCRIPTION, PRICE, CURRENCY, QUANTITY, TAGS, MATERIALS, SKU = (
    "title", "description", "price", "currency", "quantity", "tags", "materials", "sku"
)  # fmt: skip

#: The English header of each column chansync reads (confirmed by the real file).
ENGLISH = {
    TITLE: "TITLE",
    DESCRIPTION: "DESCRIPTION",
    PRICE: "PRICE",
    CURRENCY: "CURRENCY_CODE",
    QUANTITY: "QUANTITY",
    TAGS: "TAGS",
    MATERIALS: "MATERIALS",
    SKU: "SKU",
}

#: Translated headers by language (ISO 639-1). Only the Italian title, price and quantity are confirmed.
TRANSLATED: dict[str, dict[str, str]] = {
    "it": {TITLE: "TITOLO", DESCRIPTION: "DESCRIZIONE", PRICE: "PREZZO", QUANTITY: "QUANTITÀ", TAGS: "TAG",
           MATERIALS: "MATERIALI"},
    "de": {TITLE: "TITEL", DESCRIPTION: "BESCHREIBUNG", PRICE: "PREIS", QUANTITY: "MENGE", TAGS: "TAGS",
           MATERIALS: "MATERIALIEN"},
    "fr": {TITLE: "TITRE", DESCRIPTION: "DESCRIPTION", PRICE: "PRIX", QUANTITY: "QUANTITÉ", TAGS: "MOTS-CLÉS",
           MATERIALS: "MATÉRIAUX"},
    "es": {TITLE: "TÍTULO", DESCRIPTION: "DESCRIPCIÓN", PRICE: "PRECIO", QUANTITY: "CANTIDAD", TAGS: "ETIQUETAS",
           MATERIALS: "MATERIALES"},
    "nl": {TITLE: "TITEL", DESCRIPTION: "BESCHRIJVING", PRICE: "PRIJS", QUANTITY: "AANTAL", TAGS: "TAGS",
           MATERIALS: "MATERIALEN"},
    "pt": {TITLE: "TÍTULO", DESCRIPTION: "DESCRIÇÃO", PRICE: "PREÇO", QUANTITY: "QUANTIDADE", TAGS: "TAGS",
           MATERIALS: "MATERIAIS"},
    "pl": {TITLE: "TYTUŁ", DESCRIPTION: "OPIS", PRICE: "CENA", QUANTITY: "ILOŚĆ", TAGS: "TAGI",
           MATERIALS: "MATERIAŁY"},
    "ja": {TITLE: "タイトル", DESCRIPTION: "説明", PRICE: "価格", QUANTITY: "数量", TAGS: "タグ", MATERIALS: "素材"},
}  # fmt: skip

#: Other spellings of a column seen in the same language (German sellers' interface also says "Anzahl").
ALSO = {QUANTITY: ("ANZAHL", "HOEVEELHEID", "QUANTITA", "QUANTITE")}

#: Each column's place relative to ``CURRENCY_CODE`` in the download's fixed layout.
OFFSETS = {TITLE: -3, DESCRIPTION: -2, PRICE: -1, QUANTITY: 1, TAGS: 2, MATERIALS: 3}


def spellings(name: str) -> tuple[str, ...]:
    """Every known header of column ``name``, English first."""
    known = [ENGLISH[name], *(table[name] for table in TRANSLATED.values() if name in table), *ALSO.get(name, ())]
    return tuple(dict.fromkeys(known))
