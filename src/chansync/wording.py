"""A field's name inside a sentence, in the current language: "an availability", "a GTIN", "the price".

English takes "a" or "an" by the sound of the label's first word: "an" before a vowel sound ("an availability",
"an image URL", "an MPN" said em-pee-en), "a" before a consonant sound ("a GTIN", "a URL" said you-ar-el, "a unit").
Dutch always says "een"; its definite article (de/het) comes with each field's translation of "the …".
"""

from __future__ import annotations

import re

from . import i18n
from .fields import Field
from .i18n import N_, _

#: "the …" per field: a translation carries its own article (Dutch "de prijs", but "het merk", "het gewicht").
DEFINITE: dict[Field, str] = {
    Field.SKU: N_("the SKU"),
    Field.TITLE: N_("the title"),
    Field.DESCRIPTION: N_("the description"),
    Field.BRAND: N_("the brand"),
    Field.GTIN: N_("the GTIN"),
    Field.MPN: N_("the MPN"),
    Field.PRICE: N_("the price"),
    Field.SALE_PRICE: N_("the sale price"),
    Field.CURRENCY: N_("the currency"),
    Field.QUANTITY: N_("the quantity"),
    Field.AVAILABILITY: N_("the availability"),
    Field.CONDITION: N_("the condition"),
    Field.IMAGE_URL: N_("the image URL"),
    Field.ADDITIONAL_IMAGE_URLS: N_("the additional image URLs"),
    Field.PRODUCT_URL: N_("the product URL"),
    Field.CATEGORY: N_("the category"),
    Field.WEIGHT: N_("the weight"),
    Field.PARENT_SKU: N_("the parent SKU"),
    Field.COLOR: N_("the colour"),
    Field.SIZE: N_("the size"),
    Field.STATUS: N_("the status"),
}

#: Letters whose name starts with a vowel sound (said as letters in an initialism: "an SKU", "an MPN", "an EAN").
_VOWEL_LETTERS = set("AEFHILMNORSX")
#: Abbreviations written in lower case but said letter by letter ("an sftp upload", "an http upload").
_LETTERS = {"http", "https", "sftp", "ftp", "sku", "mpn", "ean", "upc", "url", "api", "csv", "tsv", "xml", "html"}
#: Words spelled with a vowel that start with a consonant sound ("a unit", "a one-off", "a European").
_CONSONANT_SOUND = re.compile(r"^(uni|use|usu|uti|eu|ewe|one|once|ubi|ura)", re.IGNORECASE)
#: Words spelled with a consonant that start with a vowel sound (a silent h).
_VOWEL_SOUND = re.compile(r"^(hour|honest|honou?r|heir)", re.IGNORECASE)


def an(label: str) -> str:
    """The English indefinite article for ``label``: "a" or "an"."""
    word = re.split(r"[\s_/-]", label.strip().strip("\"'("), maxsplit=1)[0]
    if not word:
        return "a"
    initialism = len(word) > 1 and (word.isupper() or word.lower() in _LETTERS)
    if initialism or len(word) == 1:
        return "an" if word[0].upper() in _VOWEL_LETTERS else "a"
    if _VOWEL_SOUND.match(word):
        return "an"
    if _CONSONANT_SOUND.match(word):
        return "a"
    return "an" if word[0].lower() in "aeiou" else "a"


def label(field: Field) -> str:
    """The field's name in the current language ("availability", Dutch "beschikbaarheid")."""
    return _(field.label)


def indefinite(field: Field | str) -> str:
    """ "an availability", "a GTIN"; Dutch "een beschikbaarheid". A string is taken as a label already."""
    text = label(field) if isinstance(field, Field) else field
    if i18n.language() == "en":
        return f"{an(text)} {text}"
    return _("a {label}").format(label=text)


def definite(field: Field) -> str:
    """ "the price"; Dutch "de prijs", "het merk"."""
    return _(DEFINITE[field])


def upper_first(text: str) -> str:
    """``text`` with its first letter made a capital, the rest as it is ("the GTIN" → "The GTIN")."""
    return text[:1].upper() + text[1:]
