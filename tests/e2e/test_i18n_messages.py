"""The config errors raised outside config.py (an unknown adapter, an insecure upload URL) and the label ``key``
before a key path, in Dutch with ``--lang nl`` and in English without, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_i18n_config import refused_in_both_languages

ENGLISH = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
TOP = "version: 1\nmaster:\n  file: master.csv\nchannels:\n  shop:\n"

# (what is wrong, the channel block, the English sentence, the Dutch sentence)
BAD = [
    (
        "unknown adapter",
        "    adapter: woocomerce\n",
        "key channels.shop.adapter: unknown adapter 'woocomerce' (did you mean 'woocommerce'?); available: amazon,",
        "sleutel channels.shop.adapter: onbekende adapter 'woocomerce' (bedoel je 'woocommerce'?); "
        "beschikbaar: amazon,",
    ),
    (
        "plain http upload url",
        "    adapter: woocommerce\n    export: api\n    upload:\n      type: woocommerce_api\n"
        "      url: http://shop.example\n      key: ${WC_KEY}\n      secret: ${WC_SECRET}\n",
        "key channels.shop.upload.url: http://shop.example is plain http: credentials and data would travel "
        "unencrypted",
        "sleutel channels.shop.upload.url: http://shop.example is gewoon http: inloggegevens en gegevens zouden "
        "onversleuteld over het netwerk gaan",
    ),
    (
        "upload url that is not a URL",
        "    adapter: woocommerce\n    export: api\n    upload:\n      type: woocommerce_api\n"
        "      url: https://shop.example:port\n      key: ${WC_KEY}\n      secret: ${WC_SECRET}\n",
        "key channels.shop.upload.url: not a valid URL (",
        "sleutel channels.shop.upload.url: geen geldige URL (",
    ),
]


@pytest.mark.parametrize(("what", "block", "english", "dutch"), BAD, ids=[b[0] for b in BAD])
def test_a_config_error_outside_config_py_in_both_languages(
    tmp_path: Path, what: str, block: str, english: str, dutch: str
) -> None:
    env = {**ENGLISH, "WC_KEY": "ck_1", "WC_SECRET": "cs_1"}
    refused_in_both_languages(tmp_path, TOP + block, "diff", env, what, english, dutch)


def test_sync_read_current_errors_in_both_languages(tmp_path: Path) -> None:
    from chansync import i18n
    from chansync.adapters.registry import Registry
    from chansync.config import load_config
    from chansync.errors import ConfigError
    from chansync.sync import read_current

    (tmp_path / "master.csv").write_text("sku,title,price,quantity\nA-1,Fiets,10.00,3\n", encoding="utf-8")
    (tmp_path / "channels.yaml").write_text(TOP + "    adapter: woocommerce\n    export: api\n", encoding="utf-8")
    config = load_config(tmp_path / "channels.yaml", env={})
    adapter = Registry.discover().build(config, "shop")
    said = {}
    for language in ("en", "nl"):
        with i18n.using(language), pytest.raises(ConfigError) as caught:
            read_current(config, adapter)
        said[language] = str(caught.value)
    assert "key channels.shop.export: export: api needs the channel's `upload` section" in said["en"]
    assert "sleutel channels.shop.export: export: api heeft de `upload`-sectie van het kanaal nodig" in said["nl"]
