"""The HTTP policy against a real server on 127.0.0.1: retries, backoff, Retry-After, what is not retried, and
secrets kept out of messages."""

from __future__ import annotations

import random

import pytest

from chansync.errors import TransportError
from chansync.transports.http import HttpClient, RetryPolicy, redact
from tests.http_server import Fault, FeedReceiver, Recorder, serving

TOKEN = "s3cr3t-token-value"


def client(url: str, waits: list[float], **policy: float) -> HttpClient:
    return HttpClient(
        url,
        policy=RetryPolicy(**{"retries": 3, "timeout": 2.0, "backoff": 0.01, **policy}),  # type: ignore[arg-type]
        headers={"Authorization": f"Bearer {TOKEN}"},
        secrets=(TOKEN,),
        sleep=waits.append,
        rng=random.Random(1),
    )


def test_retry_after_is_honoured_then_the_request_succeeds() -> None:
    recorder = Recorder(faults=[Fault("429", 7), Fault("500")])
    receiver = FeedReceiver(TOKEN)
    with serving(receiver, recorder) as url:
        waits: list[float] = []
        response = client(url, waits).request("PUT", "/feed.xml", data=b"<rss/>")
    assert response.status_code == 201 and receiver.files["/feed.xml"] == b"<rss/>"
    assert waits[0] == 7.0  # what the server asked for
    assert 0.005 <= waits[1] <= 0.04  # backoff with jitter after the 500
    assert len(recorder.requests) == 3


def test_a_slow_reply_times_out_and_is_retried() -> None:
    recorder = Recorder(faults=[Fault("slow", 1.0)])
    with serving(FeedReceiver(TOKEN), recorder) as url:
        waits: list[float] = []
        response = client(url, waits, timeout=0.3).request("POST", "/feed", data=b"x")
    assert response.status_code == 201 and len(waits) == 1


def test_malformed_json_is_retried_when_json_is_expected() -> None:
    recorder = Recorder(faults=[Fault("malformed")])
    with serving(FeedReceiver(TOKEN), recorder) as url:
        waits: list[float] = []
        response = client(url, waits).request("POST", "/feed", data=b"x", expect_json=True)
    assert response.json() == {"stored": 1} and len(waits) == 1


def test_giving_up_names_the_skus_and_says_it_may_work_later() -> None:
    recorder = Recorder(faults=[Fault("500")] * 10)
    with serving(FeedReceiver(TOKEN), recorder) as url, pytest.raises(TransportError) as failed:
        client(url, []).request("POST", f"/feed?token={TOKEN}", data=b"x", skus=("A-1", "B-2"))
    assert failed.value.retriable and failed.value.skus == ("A-1", "B-2")
    assert "after 4 attempts" in failed.value.message and TOKEN not in failed.value.message
    assert len(recorder.requests) == 4


def test_a_client_error_is_not_retried_and_its_message_holds_no_secret() -> None:
    recorder = Recorder()
    with serving(FeedReceiver("another-token"), recorder) as url, pytest.raises(TransportError) as failed:
        client(url, []).request("PUT", f"/feed?key={TOKEN}", data=b"x")
    assert not failed.value.retriable and "HTTP 401" in failed.value.message
    assert TOKEN not in failed.value.message and len(recorder.requests) == 1


def test_redact_covers_url_quoted_secrets() -> None:
    assert redact("a=p%40ss%2Fword&b=p@ss/word", ["p@ss/word"]) == "a=***&b=***"
