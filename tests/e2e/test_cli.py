"""The real CLI, as a separate process: exit codes, output streams, no tracebacks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

CHANSYNC = shutil.which("chansync", path=os.path.dirname(sys.executable)) or shutil.which("chansync")


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    assert CHANSYNC, "the chansync console script is not installed"
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    full_env.pop("CHANSYNC_DEBUG", None)
    return subprocess.run(
        [CHANSYNC, *args], cwd=cwd, capture_output=True, text=True, env=full_env, timeout=120, stdin=subprocess.DEVNULL
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    result = run("init", str(tmp_path / "shop"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "shop"


def test_version_and_help(tmp_path: Path) -> None:
    version = run("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("chansync ")
    for command in ([], ["validate"], ["diff"], ["channels"], ["init"], ["config"], ["config", "schema"]):
        result = run(*command, "--help", cwd=tmp_path)
        assert result.returncode == 0, (command, result.stderr)
        assert "Usage" in result.stdout


def test_init_writes_a_project_that_validates_cleanly(project: Path) -> None:
    assert (project / "channels.yaml").exists() and (project / "master.xlsx").exists()
    result = run("validate", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no errors" in result.stdout
    again = run("init", str(project), cwd=project.parent)
    assert again.returncode == 2 and "already exist" in again.stderr
    no_traceback(again)


def test_config_schema_is_json_schema(tmp_path: Path) -> None:
    result = run("config", "schema", cwd=tmp_path)
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"version", "master", "channels"} <= set(schema["properties"])


def write_master(folder: Path, text: str, name: str = "master.csv") -> None:
    (folder / name).write_text(text, encoding="utf-8")
    (folder / "channels.yaml").write_text(f"version: 1\nmaster:\n  file: {name}\n", encoding="utf-8")


BROKEN = "sku,title,price,gtin\nA-1,Mug,12.50,4006381333931\nA-1,Cup,abc,8712345678900\n"


def test_validate_exit_codes_and_formats(tmp_path: Path) -> None:
    write_master(tmp_path, BROKEN)
    text = run("validate", cwd=tmp_path)
    assert text.returncode == 1
    assert "duplicate-sku" in text.stdout and "gtin-check-digit" in text.stdout
    document = json.loads(run("validate", "--format", "json", cwd=tmp_path).stdout)
    assert document["schema"] == "chansync.validate/1" and document["ok"] is False
    codes = {(i["code"], i["row"], i["column"]) for i in document["issues"]}
    assert ("price-invalid", 3, "price") in codes and ("gtin-check-digit", 3, "gtin") in codes
    github = run("validate", "--format", "github", cwd=tmp_path)
    assert github.returncode == 1
    assert "::error file=master.csv,line=3,title=price-invalid::" in github.stdout
    junit = run("validate", "--format", "junit", "--output", "report.xml", cwd=tmp_path)
    assert junit.returncode == 1
    suite = ET.parse(tmp_path / "report.xml").getroot()
    failed = {case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None}
    assert {"duplicate-sku", "price-invalid", "gtin-check-digit"} <= failed


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    write_master(tmp_path, "sku,title,price,gtin\nA-1,Mug,12.50,12345678905\n")
    assert run("validate", cwd=tmp_path).returncode == 0
    strict = run("validate", "--strict", cwd=tmp_path)
    assert strict.returncode == 1 and "gtin-leading-zero" in strict.stdout


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"", "master.csv", "the file is empty"),
        (b"sku,title,price\n", "master.csv", "no errors"),
        (b"sku,title\r\nA,B\r\n", "master.xlsx", "is not a spreadsheet workbook"),
        (b"PK\x03\x04\x14\x00\x00\x00broken", "master.xlsx", "is not a readable workbook"),
        (b"\x00\x01\x02binary\x00", "master.csv", "binary file"),
    ],
)
def test_bad_files_give_a_message_not_a_traceback(tmp_path: Path, content: bytes, name: str, expected: str) -> None:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "channels.yaml").write_text(f"version: 1\nmaster:\n  file: {name}\n", encoding="utf-8")
    result = run("validate", cwd=tmp_path)
    no_traceback(result)
    assert expected in result.stdout + result.stderr
    assert result.returncode == (0 if expected == "no errors" else 2)


def test_missing_sku_column_exits_1_with_the_place(tmp_path: Path) -> None:
    write_master(tmp_path, "Artikel,title,price\nA,B,1\n")
    result = run("validate", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["fatal"] and "sku" in document["fatal"]
    assert document["issues"][0]["code"] == "missing-column"


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("version: 1\nmaster:\n  file: missing.csv\n", "master.file: file not found"),
        ("version: 1\nmaster:\n  file: m.csv\n  colums: {}\n", "did you mean 'columns'"),
        ("version: 1\nmaster: [\n", "invalid YAML"),
        (
            "version: 1\nmaster:\n  file: m.csv\nchannels:\n  bol:\n    adapter: csv\n    columns: {sku: A}\n"
            "    stock: {buffer: two}\n",
            "channels.bol.stock.buffer: expected a whole number",
        ),
        ("version: 1\nmaster:\n  file: m.csv\nchannels:\n  x:\n    adapter: nope\n", "unknown adapter 'nope'"),
    ],
)
def test_config_errors_exit_2_and_name_the_key(tmp_path: Path, yaml_text: str, expected: str) -> None:
    (tmp_path / "m.csv").write_text("sku,title,price\nA,B,1\n", encoding="utf-8")
    (tmp_path / "channels.yaml").write_text(yaml_text, encoding="utf-8")
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 2
    no_traceback(result)
    assert expected in result.stderr.replace("key ", "").replace(", ", ": ") or expected in result.stderr


def test_missing_config_file(tmp_path: Path) -> None:
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 2 and "config file not found" in result.stderr and "chansync init" in result.stderr


REPO = Path(__file__).resolve().parent.parent.parent


def test_samples_validate_and_diff_end_to_end(tmp_path: Path) -> None:
    validate = run("validate", "-c", "channels.example.yaml", "--format", "json", cwd=REPO)
    assert validate.returncode == 0, validate.stderr
    document = json.loads(validate.stdout)
    assert document["summary"]["errors"] == 0
    codes = sorted(i["code"] for i in document["issues"])
    assert codes == ["google-title-cut", "gtin-leading-zero", "stock-unknown-sku", "title-too-long"]
    title = next(i for i in document["issues"] if i["code"] == "title-too-long")
    assert (title["sheet"], title["row"], title["column"], title["sku"]) == ("products", 30, "Titel", "VL-1004")
    cut = next(i for i in document["issues"] if i["code"] == "google-title-cut")
    assert (cut["channel"], cut["row"], cut["column"]) == ("google", 30, "Titel")

    text = run("diff", "-c", "channels.example.yaml", "--limit", "2", cwd=REPO)
    assert text.returncode == 0 and "shop_floor" in text.stdout and "more" in text.stdout
    changed = run("diff", "-c", "channels.example.yaml", "--exit-code", "--plan", str(tmp_path / "plan.json"),
                  "--channel", "shop_floor", cwd=REPO)  # fmt: skip
    assert changed.returncode == 3
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert plan["schema"] == "chansync.plan/1" and plan["changes"] is True
    counts = plan["channels"][0]["counts"]
    assert counts == {"create": 1, "update": 4, "delist": 2, "unchanged": 34, "skipped": 0, "unmanaged": 1}
    price = next(i for i in plan["channels"][0]["items"] if i["key"] == "KT-2001")
    assert price["changes"] == [{"field": "price", "old": "6.95", "new": "7.95", "origin": None}]
    unknown = run("diff", "-c", "channels.example.yaml", "--channel", "nope", cwd=REPO)
    assert unknown.returncode == 2 and "no channel named 'nope'" in unknown.stderr


def test_diff_exit_code_is_0_when_in_step(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("sku,title,price,quantity\nA,Lamp,10.00,3\n", encoding="utf-8")
    (tmp_path / "pos.csv").write_text("code,price,stock\nA,10,3\n", encoding="utf-8")
    (tmp_path / "channels.yaml").write_text(
        "version: 1\nmaster: {file: m.csv}\nchannels:\n  pos:\n    adapter: csv\n    export: pos.csv\n"
        "    columns: {sku: code, price: price, quantity: stock}\n",
        encoding="utf-8",
    )
    result = run("diff", "--exit-code", cwd=tmp_path)
    assert result.returncode == 0 and "in step" in result.stdout


def test_push_on_the_samples_writes_every_feed_as_the_golden_files(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(REPO / "samples", tmp_path / "samples")
    shutil.copy(REPO / "channels.example.yaml", tmp_path / "channels.example.yaml")
    dry = run("push", "-c", "channels.example.yaml", "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0 and "dry run" in dry.stdout and not (tmp_path / "out").exists()
    pushed = run("push", "-c", "channels.example.yaml", "--format", "json", cwd=tmp_path)
    assert pushed.returncode == 0, pushed.stderr
    document = json.loads(pushed.stdout)
    assert document["schema"] == "chansync.push/1" and document["exit_code"] == 0
    assert {c["channel"]: c["status"] for c in document["channels"]} == {
        name: "done" for name in ("shop_floor", "webshop", "woo", "google", "meta", "amazon", "bol")
    }
    golden = REPO / "tests" / "golden" / "samples"
    configured = yaml.safe_load((tmp_path / "channels.example.yaml").read_text(encoding="utf-8"))["channels"]
    for channel in document["channels"]:
        for feed in channel["feeds"]:
            written = tmp_path / feed
            base = Path(configured[channel["channel"]]["feed"]).stem  # out/shopify.csv: shopify, shopify-inventory
            expected = golden / (channel["channel"] + written.name.removeprefix(base))
            assert written.read_bytes() == expected.read_bytes(), f"{feed} differs from {expected}"
    again = run("push", "-c", "channels.example.yaml", cwd=tmp_path)
    # the exports predate that push: what it set stands in for them, so nothing is planned or sent again
    assert again.returncode == 0 and "earlier runs" in again.stdout, again.stdout
    assert again.stdout.count("0 create · 0 update · 0 delist") == 7, again.stdout
