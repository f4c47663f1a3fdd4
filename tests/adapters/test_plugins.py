"""A third-party adapter installed with pip is discovered through the ``chansync.adapters`` entry points, listed
by ``chansync channels`` and usable in a config; a broken one is listed with its reason, never a crash."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

PLUGIN = '''
from chansync.adapters.csv import CsvAdapter


class HelloAdapter(CsvAdapter):
    """A partner feed that is just the csv adapter under another name."""

    name = "hello"
    title = "Hello partner"
'''


def build_wheel(folder: Path, name: str, module: str, source: str, entry: str) -> Path:
    """A minimal wheel (what a plugin author publishes), built by hand so the test needs no network."""
    dist = name.replace("-", "_")
    files = {
        f"{module}.py": source.encode(),
        f"{dist}-0.1.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n".encode(),
        f"{dist}-0.1.dist-info/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
        f"{dist}-0.1.dist-info/entry_points.txt": f"[chansync.adapters]\n{entry}\n".encode(),
    }
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist}-0.1.dist-info/RECORD,,")
    files[f"{dist}-0.1.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = folder / f"{dist}-0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return wheel


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plugins")
    target = folder / "site"
    good = build_wheel(folder, "chansync-hello", "chansync_hello", PLUGIN, "hello = chansync_hello:HelloAdapter")
    broken = build_wheel(folder, "chansync-broken", "chansync_broken", "import nowhere_to_be_found\n",
                         "broken = chansync_broken:Adapter")  # fmt: skip
    for wheel in (good, broken):
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target", str(target),
             str(wheel)],
            check=True,
        )  # fmt: skip
    return target


def chansync(*args: str, cwd: Path, site: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("chansync", path=os.path.dirname(sys.executable)) or "chansync"
    env = {**os.environ, "PYTHONPATH": str(site), "COLUMNS": "200"}
    return subprocess.run([exe, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_an_installed_plugin_is_listed_and_usable(tmp_path: Path, site: Path) -> None:
    (tmp_path / "m.csv").write_text("sku,title,price,quantity\nA,Lamp,10.00,3\nB,Bel,4.50,1\n", encoding="utf-8")
    (tmp_path / "partner.csv").write_text("code,stock\nA,3\nC,9\n", encoding="utf-8")
    (tmp_path / "channels.yaml").write_text(
        "version: 1\nmaster:\n  file: m.csv\nchannels:\n  partner:\n    adapter: hello\n"
        "    export: partner.csv\n    columns: {sku: code, quantity: stock}\n",
        encoding="utf-8",
    )
    listing = chansync("channels", "--format", "json", cwd=tmp_path, site=site)
    assert listing.returncode == 0, listing.stderr
    import json

    document = json.loads(listing.stdout)
    adapters = {a["name"]: a for a in document["adapters"]}
    assert adapters["hello"]["origin"] == "chansync-hello 0.1" and adapters["hello"]["ok"]
    assert adapters["csv"]["origin"] == "built-in"
    assert not adapters["broken"]["ok"] and "nowhere_to_be_found" in adapters["broken"]["error"]
    assert document["channels"] == [
        {"name": "partner", "adapter": "hello", "export": "partner.csv", "feed": None, "upload": None}
    ]
    text = chansync("channels", cwd=tmp_path, site=site)
    assert "chansync-hello 0.1" in text.stdout and "failed" in text.stdout
    plan = chansync("diff", "--format", "json", cwd=tmp_path, site=site)
    assert plan.returncode == 0, plan.stderr
    channel = json.loads(plan.stdout)["channels"][0]
    assert channel["adapter"] == "hello"
    assert channel["counts"] == {"create": 1, "update": 0, "delist": 0, "unchanged": 1, "skipped": 0, "unmanaged": 1}
