"""A feed (which push overwrites) or the state folder that is, under another spelling, a file chansync reads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .harness import digests, refused, run_cli, small_project, write_yaml


def _project(folder: Path, **channel: str) -> Path:
    (folder / "pos.csv").write_text("sku,qty\nA-1,5\n", encoding="utf-8")
    return small_project(
        folder,
        {"pos": {"adapter": "csv", "export": "pos.csv", "columns": {"sku": "sku", "quantity": "qty"}, **channel}},
    )


@pytest.mark.parametrize(
    ("feed", "named"),
    [
        ("master.csv", "master.file"),
        ("./sub/../master.csv", "master.file"),
        ("link.csv", "master.file"),
        ("pos.csv", "channels.pos.export"),
        ("channels.yaml", "config file"),
    ],
)
@pytest.mark.parametrize("command", [["validate"], ["diff"], ["push", "--no-upload", "--yes"]])
def test_a_feed_that_is_an_input_is_refused(tmp_path: Path, feed: str, named: str, command: list[str]) -> None:
    (tmp_path / "sub").mkdir()
    os.symlink("master.csv", tmp_path / "link.csv")
    config = _project(tmp_path, feed=feed)
    files = [config, tmp_path / "master.csv", tmp_path / "pos.csv"]
    before = digests(files)
    run = run_cli(*command, "-c", str(config), cwd=tmp_path)
    refused(run, codes=(2,), says=[f"channels.pos.feed is the same file as {named}"])
    assert digests(files) == before


def test_a_feed_that_is_another_channels_export_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pos.csv").write_text("sku,qty\nA-1,5\n", encoding="utf-8")
    (tmp_path / "shop.csv").write_text("sku,qty\nA-1,5\n", encoding="utf-8")
    columns = {"sku": "sku", "quantity": "qty"}
    config = small_project(
        tmp_path,
        {
            "pos": {"adapter": "csv", "export": "pos.csv", "feed": "shop.csv", "columns": columns},
            "shop": {"adapter": "csv", "export": "shop.csv", "columns": columns},
        },
    )
    refused(run_cli("diff", "-c", str(config), cwd=tmp_path), codes=(2,), says=["channels.shop.export"])


@pytest.mark.parametrize("state", ["master.csv", "pos.csv", "out/pos.csv/state", "out"])
def test_a_state_folder_on_an_input_or_a_feed_is_refused(tmp_path: Path, state: str) -> None:
    config = _project(tmp_path, feed="out/pos.csv")
    data = write_yaml_state(config, state)
    before = digests([config, tmp_path / "master.csv", tmp_path / "pos.csv"])
    run = run_cli("push", "--no-upload", "--yes", "-c", str(data), cwd=tmp_path)
    refused(run, codes=(2,), says=["state_dir"])
    assert digests([config, tmp_path / "master.csv", tmp_path / "pos.csv"]) == before


def write_yaml_state(config: Path, state: str) -> Path:
    import yaml

    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["state_dir"] = state
    return write_yaml(config, data)


def test_a_feed_that_is_an_adapters_own_export_is_refused(tmp_path: Path) -> None:
    shop = {
        "adapter": "shopify",
        "export": "products.csv",
        "inventory_export": "inventory.csv",
        "feed": "inventory.csv",
    }
    config = small_project(tmp_path, {"shop": shop})
    run = run_cli("diff", "-c", str(config), cwd=tmp_path)
    refused(run, codes=(2,), says=["channels.shop.feed is the same file as channels.shop.inventory_export"])
