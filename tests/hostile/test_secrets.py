"""Secrets against real HTTP servers on 127.0.0.1: no form of a secret in any output, report or state file; no
credentials across origins on a redirect; no redirect followed for a write; no secret written into the file."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import typer

from chansync.cli import handles_errors
from tests.http_server import Recorder, serving
from tests.push.woocommerce_server import FakeWooCommerce

from .harness import MASTER_CSV, Run, digests, refused, run_cli, write_yaml

KEY, SECRET, TOKEN, FEED_KEY = "ck_live_4f3a9b2c", "cs_live_8d7e6f5a", "feed-token-7Hq2", "qk/9 z+Key"
ENV = {"WC_KEY": KEY, "WC_SECRET": SECRET, "FEED_TOKEN": TOKEN, "FEED_KEY": FEED_KEY}


def _forms() -> set[str]:
    """Every form in which one of the secrets could leak."""
    out: set[str] = set()
    for value in (KEY, SECRET, TOKEN, FEED_KEY, f"{KEY}:{SECRET}"):
        out |= {value, quote(value, safe=""), quote_plus(value), base64.b64encode(value.encode()).decode()}
    return out


def _no_secret_anywhere(run: Run, folder: Path) -> None:
    texts = {"output": run.text}
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "channels.yaml":
            texts[str(path)] = path.read_bytes().decode("utf-8", "replace")
    for where, text in texts.items():
        for form in _forms():
            assert form not in text, f"{form!r} leaked into {where}"


def _project(folder: Path, upload: dict[str, Any], adapter: str = "woocommerce", **channel: Any) -> Path:
    (folder / "master.csv").write_text(MASTER_CSV, encoding="utf-8")
    settings = {"adapter": adapter, "export": "api", "feed": "out/shop.csv", "upload": upload, **channel}
    config = {"version": 1, "master": {"file": "master.csv"}, "state_dir": "state", "channels": {"shop": settings}}
    return write_yaml(folder / "channels.yaml", config)


def _woo(url: str, **extra: Any) -> dict[str, Any]:
    return {"type": "woocommerce_api", "url": url, "key": "${WC_KEY}", "secret": "${WC_SECRET}", "retries": 0, **extra}


App = Callable[[Any, str, bytes], None]


@pytest.fixture
def two_origins() -> Iterator[tuple[str, Recorder, str, Recorder, list[App]]]:
    """Two servers on different ports (so different origins); ``apps[0]`` and ``apps[1]`` answer for each."""
    apps: list[App] = [lambda h, m, b: h._reply(404, {}), lambda h, m, b: h._reply(404, {})]
    first, second = Recorder(), Recorder()
    with (
        serving(lambda h, m, b: apps[0](h, m, b), first) as a,
        serving(lambda h, m, b: apps[1](h, m, b), second) as b,
    ):
        yield a, first, b, second, apps


def _redirect(to: str, status: int = 302) -> App:
    return lambda handler, method, body: handler._reply(status, {}, {"Location": to})


def _echo(status: int) -> App:
    """An error reply that echoes every request header back, as some misconfigured proxies do."""
    return lambda handler, method, body: handler._reply(status, {"seen": dict(handler.headers)})


def test_a_read_redirected_to_another_origin_carries_no_credentials(tmp_path: Path, two_origins: Any) -> None:
    a, first, b, second, apps = two_origins
    apps[0] = _redirect(f"{b}/wp-json/wc/v3/products")
    apps[1] = _echo(400)
    config = _project(tmp_path, _woo(a))
    run = run_cli("push", "--yes", "--format", "json", "-c", str(config), cwd=tmp_path, env=ENV)
    assert run.code not in (0, 70), run.text
    assert first.requests and first.requests[0]["headers"].get("Authorization", "").startswith("Basic ")
    assert second.requests, "the read should follow the redirect"
    assert all("Authorization" not in r["headers"] for r in second.requests)
    _no_secret_anywhere(run, tmp_path)


def test_an_error_reply_echoing_the_basic_auth_header_is_scrubbed(tmp_path: Path, two_origins: Any) -> None:
    a, _, _, _, apps = two_origins
    apps[0] = _echo(400)
    config = _project(tmp_path, _woo(a))
    for command in (["diff"], ["push", "--yes", "--format", "json"]):
        run = run_cli(*command, "-c", str(config), cwd=tmp_path, env=ENV)
        assert run.code not in (0, 70), run.text
        assert "400" in run.text
        _no_secret_anywhere(run, tmp_path)


def test_a_write_is_never_redirected(tmp_path: Path, two_origins: Any) -> None:
    a, first, b, second, apps = two_origins
    apps[0] = _redirect(f"{b}/feeds/shop.csv", 307)
    apps[1] = _echo(200)
    upload = {"type": "http", "url": f"{a}/feeds/{{file}}", "headers": {"Authorization": "Bearer ${FEED_TOKEN}"},
              "retries": 0}  # fmt: skip
    (tmp_path / "pos.csv").write_text("sku,quantity\nA-1,5\n", encoding="utf-8")
    config = _project(tmp_path, upload, adapter="csv", export="pos.csv", columns={"sku": "sku", "quantity": "quantity"})
    run = run_cli("push", "--yes", "-c", str(config), cwd=tmp_path, env=ENV)
    assert run.code == 4, run.text
    assert "redirect" in run.text
    assert [r["method"] for r in first.requests] == ["PUT"]
    assert not second.requests
    _no_secret_anywhere(run, tmp_path)


def test_a_url_variable_is_expanded_and_the_file_name_quoted(tmp_path: Path, two_origins: Any) -> None:
    a, first, _, _, apps = two_origins
    apps[0] = lambda handler, method, body: handler._reply(201, {})
    (tmp_path / "pos.csv").write_text("sku,quantity\nA-1,5\n", encoding="utf-8")
    upload = {"type": "http", "url": "${FEED_BASE}/feeds/{file}?key=${FEED_KEY}", "retries": 0}
    config = _project(tmp_path, upload, adapter="csv", export="pos.csv", feed="out/shop feed.csv",
                      columns={"sku": "sku", "quantity": "quantity"})  # fmt: skip
    run = run_cli("push", "--yes", "--format", "json", "-c", str(config), cwd=tmp_path, env={**ENV, "FEED_BASE": a})
    assert run.code == 0, run.text
    assert first.requests[0]["path"].startswith("/feeds/shop%20feed.csv?key=")
    _no_secret_anywhere(run, tmp_path)


@pytest.mark.parametrize(
    ("upload", "says"),
    [
        ({"type": "http", "url": "https://feeds.example/x", "headers": {"Authorization": "Bearer 4f3a9b2c77"}},
         "channels.shop.upload.headers"),
        ({"type": "http", "url": "https://feeds.example/x", "headers": {"X-Api-Key": "4f3a9b2c77"}}, "X-Api-Key"),
        ({"type": "http", "url": "https://user:4f3a9b2c77@feeds.example/x"}, "channels.shop.upload.url"),
        ({"type": "woocommerce_api", "url": "https://u:4f3a9b2c77@shop.example", "key": "${WC_KEY}",
          "secret": "${WC_SECRET}"}, "channels.shop.upload.url"),
    ],
)  # fmt: skip
def test_a_literal_secret_in_the_file_is_refused(tmp_path: Path, upload: dict[str, Any], says: str) -> None:
    config = _project(tmp_path, upload, adapter="csv", export="master.csv", columns={"sku": "sku"})
    before = digests([config, tmp_path / "master.csv"])
    run = run_cli("validate", "-c", str(config), cwd=tmp_path, env=ENV)
    refused(run, codes=(2,), says=[says, "environment variable"])
    assert "4f3a9b2c77" not in run.text
    assert digests([config, tmp_path / "master.csv"]) == before


@pytest.mark.parametrize("host", ["shop.example", "127.0.0.2", "[::2]"])
def test_plain_http_to_another_host_is_refused(tmp_path: Path, host: str) -> None:
    config = _project(tmp_path, _woo(f"http://{host}:9"))
    before = digests([config, tmp_path / "master.csv"])
    run = run_cli("diff", "-c", str(config), cwd=tmp_path, env=ENV)
    refused(run, codes=(2,), says=["channels.shop.upload.url", "plain http"])
    assert digests([config, tmp_path / "master.csv"]) == before
    _no_secret_anywhere(run, tmp_path)
    _project(tmp_path, _woo(f"http://{host}:9", allow_insecure=True, timeout=2))
    run = run_cli("diff", "-c", str(config), cwd=tmp_path, env=ENV, timeout=60)
    assert "plain http" not in run.text and run.code != 70, run.text


def test_localhost_over_plain_http_is_allowed(tmp_path: Path) -> None:
    shop = FakeWooCommerce(KEY, SECRET)
    with serving(shop, Recorder()) as url:
        config = _project(tmp_path, _woo(url.replace("127.0.0.1", "localhost")))
        run = run_cli("diff", "-c", str(config), cwd=tmp_path, env=ENV)
    assert run.code == 0, run.text
    _no_secret_anywhere(run, tmp_path)


def test_an_internal_error_message_is_scrubbed(capsys: pytest.CaptureFixture[str]) -> None:
    from chansync.transports.http import register_secrets

    register_secrets([SECRET])
    encoded = base64.b64encode(SECRET.encode()).decode()

    @handles_errors
    def broken() -> None:
        raise RuntimeError(f"boom {SECRET} {quote_plus(SECRET)} {encoded}")

    with pytest.raises(typer.Exit) as exit_:
        broken()
    assert exit_.value.exit_code == 70
    err = capsys.readouterr().err
    assert "boom" in err and SECRET not in err and encoded not in err


def test_a_configured_credential_header_is_not_carried_across_origins(two_origins: Any) -> None:
    """requests drops ``Authorization`` on a redirect to another host, but not a header such as ``X-Api-Key``."""
    from chansync.transports.http import HttpClient, RetryPolicy

    a, first, b, second, apps = two_origins
    apps[0] = _redirect(f"{b}/elsewhere")
    apps[1] = lambda handler, method, body: handler._reply(200, {"ok": True})
    client = HttpClient(a, policy=RetryPolicy(retries=0, timeout=5), headers={"X-Api-Key": TOKEN}, secrets=(TOKEN,))
    assert client.request("GET", "/start").json() == {"ok": True}
    assert first.requests[0]["headers"].get("X-Api-Key") == TOKEN
    assert second.requests and "X-Api-Key" not in second.requests[0]["headers"]
    apps[0] = _redirect(f"{a}/again")  # the same origin keeps its credentials, and a loop ends as an error
    with pytest.raises(Exception, match="redirected") as error:
        client.request("GET", "/start")
    assert TOKEN not in str(error.value)


@pytest.mark.parametrize("location", ["file:///etc/passwd", "http://127.0.0.1:99999999/x", "http://[::1/x"])
def test_a_malformed_redirect_is_a_transport_error(two_origins: Any, location: str) -> None:
    from chansync.errors import TransportError
    from chansync.transports.http import HttpClient, RetryPolicy

    a, _, _, _, apps = two_origins
    apps[0] = _redirect(location)
    client = HttpClient(a, policy=RetryPolicy(retries=0, timeout=5), headers={"X-Api-Key": TOKEN}, secrets=(TOKEN,))
    with pytest.raises(TransportError) as error:
        client.request("GET", "/start")
    assert TOKEN not in str(error.value)
