"""A channel's refusal, a refused request and retries used up, in Dutch with ``--lang nl`` and in English without:
the sentence is chansync's, the channel's own reply stays as the channel wrote it, and the HTTP status is read the
same in both languages (``status_of``)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from chansync import i18n
from chansync.adapters.google.merchant import google_reason
from chansync.errors import TransportError
from chansync.transports.http import HttpClient, RetryPolicy, status_of
from tests.adapters.ebay_server import Recorder, serving
from tests.adapters.test_ebay_api import TOKEN, cli, fake, write_cli_config
from tests.http_server import Fault, FeedReceiver
from tests.http_server import Recorder as FeedRecorder
from tests.http_server import serving as feed_serving

SAID = {
    "en": ("eBay refused the change: Invalid value for price.", "failed: HTTP 401"),
    "nl": ("eBay weigerde de wijziging: Invalid value for price.", "is mislukt: HTTP 401"),
}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_channels_refusal_through_the_cli_in_both_languages(tmp_path: Path, language: str) -> None:
    ebay = fake()
    ebay.refusals["JK-RAIN-YEL-M"] = (400, 25709, "Invalid value for price.")
    with serving(ebay, Recorder()) as url:
        config = write_cli_config(tmp_path, url)
        pushed = cli(config, "--lang", language, "push", "--yes", "--format", "json")
        wrong = cli(config, "--lang", language, "push", "--yes", token=TOKEN + "-wrong")
    (channel,) = json.loads(pushed.stdout)["channels"]
    refused, http = SAID[language]
    other_refused, other_http = SAID["nl" if language == "en" else "en"]
    assert {f["key"]: f["reason"] for f in channel["failed"]} == {"JK-RAIN-YEL-M": refused}, pushed.stdout
    assert other_refused not in pushed.stdout
    text = " ".join((wrong.stdout + wrong.stderr).split())
    assert wrong.returncode != 0 and http in text and other_http not in text, text
    assert TOKEN not in text


def _client(url: str, retries: int = 2) -> HttpClient:
    policy = RetryPolicy(retries=retries, timeout=2.0, backoff=0.01)
    return HttpClient(url, policy=policy, headers={"Authorization": "Bearer wrong"}, sleep=lambda s: None,
                      rng=random.Random(1))  # fmt: skip


@pytest.mark.parametrize(
    ("language", "refused", "gave_up"),
    [
        ("en", "POST {url}/feed failed: HTTP 4", "POST {url}/feed failed after 3 attempts: HTTP 500"),
        ("nl", "POST {url}/feed is mislukt: HTTP 4", "POST {url}/feed is mislukt na 3 pogingen: HTTP 500"),
    ],
)
def test_the_shared_clients_messages_in_both_languages_and_the_status_read_alike(
    language: str, refused: str, gave_up: str
) -> None:
    with feed_serving(FeedReceiver("right"), FeedRecorder()) as url, i18n.using(language):
        with pytest.raises(TransportError) as caught:
            _client(url).request("POST", "/feed", data=b"x")
        error = caught.value
        assert refused.format(url=url) in error.message, error.message
        assert error.status in (401, 403) and status_of(error) == error.status
        # an adapter passing the message on in a new error: the status is still read, in the language of the run
        assert status_of(TransportError(f"the shop could not be read: {error.message}")) == error.status
    with feed_serving(FeedReceiver("right"), FeedRecorder(faults=[Fault("500")] * 5)) as url, i18n.using(language):
        with pytest.raises(TransportError) as caught:
            _client(url).request("POST", "/feed", data=b"x")
        assert gave_up.format(url=url) in caught.value.message, caught.value.message
        assert caught.value.retriable and status_of(caught.value) is None


def test_googles_reason_is_read_from_the_reply_in_both_languages() -> None:
    body = '{"error": {"code": 400, "message": "Invalid GTIN."}}'
    for language in ("en", "nl"):
        with i18n.using(language):
            message = i18n._("{request} failed: HTTP {status} {reply}").format(request="POST x", status=400, reply=body)
            assert google_reason(TransportError(message)) == "Invalid GTIN."
            assert google_reason(TransportError(message, status=400, reply=body)) == "Invalid GTIN."
