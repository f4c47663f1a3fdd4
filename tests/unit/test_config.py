from __future__ import annotations

from pathlib import Path

import pytest

from chansync.config import json_schema, load_config
from chansync.errors import ConfigError

BASE = "version: 1\nmaster:\n  file: m.csv\n"


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None):
    (tmp_path / "m.csv").write_text("sku,title,price\nA,a,1\n", encoding="utf-8")
    (tmp_path / "channels.yaml").write_text(text, encoding="utf-8")
    return load_config(tmp_path / "channels.yaml", env=env or {})


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        (BASE + "  colums: {}\n", None, "unknown key 'colums' under master (did you mean 'columns'?)"),
        (
            BASE + "channels:\n  bol:\n    adapter: csv\n    stock: {buffer: two}\n",
            "channels.bol.stock.buffer",
            "expected a whole number, got 'two'",
        ),
        (
            BASE + "channels:\n  bol:\n    adapter: csv\n    guard: {max_delist_share: 2}\n",
            "channels.bol.guard.max_delist_share",
            "less than or equal to 1",
        ),
        (BASE + "  currency: euro\n", "master.currency", "should match pattern"),
        (BASE + "  columns: {prijs: Prijs}\n", "master.columns", "unknown field 'prijs'"),
        (
            BASE + "channels:\n  bol:\n    adapter: bol\n    upload: {type: bol_api, client_id: abc, "
            "client_secret: '${S}'}\n",
            "channels.bol.upload.client_id",
            "must name an environment variable",
        ),
        ("version: 2\nmaster: {file: m.csv}\n", "version", "expected one of 1"),
        ("master: {}\n", "master.file", "is required"),
    ],
)
def test_errors_name_the_key_path(tmp_path: Path, text: str, key: str | None, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    assert fragment in str(caught.value)
    if key:
        assert caught.value.key == key and f"key {key}:" in str(caught.value)


def test_variables_resolve_only_when_used(tmp_path: Path) -> None:
    text = (
        BASE + "channels:\n  bol:\n    adapter: csv\n    upload: {type: bol_api, client_id: '${BOL_ID}', "
        "client_secret: '${BOL_SECRET}'}\n"
    )
    config = load(tmp_path, text)  # loading does not need the variables
    upload = config.channels["bol"].upload
    assert upload is not None and upload.type == "bol_api"
    with pytest.raises(ConfigError, match="environment variable BOL_ID is not set"):
        config.expand(upload.client_id, "channels.bol.upload.client_id")
    config = load(tmp_path, text, env={"BOL_ID": "id-1", "BOL_SECRET": "s"})
    assert config.expand(config.channels["bol"].upload.client_id, "x") == "id-1"  # type: ignore[union-attr]


def test_paths_are_relative_to_the_config_and_missing_files_name_the_key(tmp_path: Path) -> None:
    config = load(tmp_path, BASE)
    assert config.path_of(config.master.file, "master.file") == tmp_path / "m.csv"
    with pytest.raises(ConfigError, match=r"key master\.file: file not found: nope\.csv"):
        config.path_of("nope.csv", "master.file")


def test_bad_yaml_and_wrong_shape(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="invalid YAML at line 3"):
        load(tmp_path, "version: 1\nmaster: [\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load(tmp_path, "- a\n- b\n")


def test_schema_lists_the_contract_keys() -> None:
    schema = json_schema()
    assert set(schema["properties"]) == {"version", "master", "state_dir", "channels", "notify"}
    master = schema["$defs"]["MasterConfig"]["properties"]
    assert {"file", "sheet", "stock_sheet", "currency", "columns"} <= set(master)
    assert schema["$defs"]["MasterConfig"]["additionalProperties"] is False


def test_the_json_schema_covers_every_adapters_own_keys() -> None:
    import jsonschema
    import yaml

    from chansync.schema import json_schema

    schema = json_schema()
    example = yaml.safe_load((Path(__file__).resolve().parents[2] / "channels.example.yaml").read_text())
    jsonschema.Draft202012Validator(schema).validate(example)  # the bundled config is valid
    example["channels"]["webshop"]["loction"] = "Warehouse"  # a typo of one of Shopify's own keys
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(example))
    assert errors and "loction" in str(errors[0].message)
    example["channels"]["webshop"].pop("loction")
    example["channels"]["bol"]["location"] = "Warehouse"  # Shopify's key on a bol channel
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(example))
