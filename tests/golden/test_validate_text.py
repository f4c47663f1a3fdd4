"""Golden outputs: the English and Dutch text of ``chansync validate`` on the samples.

``tests/golden/validate/<language>/<case>.txt`` is what ``chansync [--lang nl] validate --output FILE`` writes (text
at a fixed width of 120 columns, no colour) for the bundled shop (``channels.example.yaml``) and for the broken sheets
in ``samples/broken/``. After an intended change to a message, a translation or the layout, rewrite them with

    pytest -p no:cacheprovider -n 0 tests/golden/test_validate_text.py --update-golden

and read the diff before committing: it is what a seller will see.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from chansync import i18n
from chansync.cli import app
from tests.conftest import REPO, SAMPLES

HERE = Path(__file__).resolve().parent / "validate"
#: Broken samples with something to say (a sheet that cannot be read at all is an error message, tested elsewhere).
BROKEN = ("bad-gtins.csv", "bad-prices.csv", "duplicate-sku.csv", "semicolon-cp1252.csv", "title-rows.csv")
#: A GTIN Excel turned into 8.71234E+12, for a channel that needs one (bol.com keys offers by EAN).
GTIN_CHANNEL = (
    "sku,title,price,quantity,gtin,product_url,image_url,description,brand\n"
    "A-1,Fiets,10.00,3,8.71234E+12,https://x.nl/a,https://x.nl/a.jpg,Stadsfiets,Gazelle\n"
    "A-2,Bel,5.00,,8712345678906,https://x.nl/b,https://x.nl/b.jpg,Fietsbel,Gazelle\n"
)


def _validate(folder: Path, config: str, language: str, monkeypatch: pytest.MonkeyPatch, out: Path) -> bytes:
    monkeypatch.chdir(folder)
    for name in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    output = out / f"validate-{language}.txt"  # never in the folder validated (the repository, for the samples)
    result = CliRunner().invoke(app, ["--lang", language, "validate", "-c", config, "--output", str(output)])
    assert result.exit_code in (0, 1), result.output
    assert i18n.language() == "en"
    return output.read_bytes()


def _broken(tmp_path: Path, name: str) -> Path:
    shutil.copy(SAMPLES / "broken" / name, tmp_path / name)
    config = {"version": 1, "master": {"file": name}, "channels": {}}
    (tmp_path / "channels.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_sample_shop(
    language: str, tmp_path: Path, golden: Callable[[Path, bytes], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _validate(REPO, "channels.example.yaml", language, monkeypatch, tmp_path)
    golden(HERE / language / "samples.txt", text)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
@pytest.mark.parametrize("name", BROKEN)
def test_the_broken_samples(
    name: str, language: str, tmp_path: Path, golden: Callable[[Path, bytes], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _validate(_broken(tmp_path, name), "channels.yaml", language, monkeypatch, tmp_path)
    golden(HERE / language / f"{Path(name).stem}.txt", text)


def bol_and_google_shop(folder: Path, master: str) -> None:
    """A master and a channels.yaml with a bol and a Google channel: both need a GTIN for every product."""
    (folder / "master.csv").write_text(master, encoding="utf-8")
    channels = {
        "bol": {"adapter": "bol", "feed": "out/bol.csv"},
        "google": {"adapter": "google_merchant", "feed": "out/google.xml", "shop_url": "https://x.nl/",
                   "feed_title": "X"},
    }  # fmt: skip
    config = {"version": 1, "master": {"file": "master.csv"}, "channels": channels}
    (folder / "channels.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_a_gtin_excel_made_a_number_for_a_channel_that_needs_one(
    language: str, tmp_path: Path, golden: Callable[[Path, bytes], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    bol_and_google_shop(tmp_path, GTIN_CHANNEL)
    golden(
        HERE / language / "gtin-as-number-channel.txt",
        _validate(tmp_path, "channels.yaml", language, monkeypatch, tmp_path),
    )


def test_the_dutch_goldens_are_dutch() -> None:
    """A golden file that was regenerated in the wrong language would pass its own comparison: not this one."""
    for path in sorted((HERE / "nl").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert "fout" in text or "waarschuwing" in text, path
        assert not any(word in text for word in (" errors", " warnings", "problem ", " needs ")), path
    for path in sorted((HERE / "en").glob("*.txt")):
        assert "fouten" not in path.read_text(encoding="utf-8"), path
