"""The CLI's choice of Arrow allocator."""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow as pa
import pytest

from chansync.arrow_memory import POOL_VARIABLE, use_frugal_pool

PROBE = "from chansync.arrow_memory import use_frugal_pool; import pyarrow as pa; " \
        "print(use_frugal_pool(), pa.default_memory_pool().backend_name)"  # fmt: skip


def _probe(env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True)
    return done.stdout.strip()


def test_jemalloc_becomes_the_default_pool() -> None:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        pytest.skip("this pyarrow build has no jemalloc")
    env = {k: v for k, v in os.environ.items() if k != POOL_VARIABLE}
    assert _probe(env) == "True jemalloc"


def test_the_users_own_choice_of_allocator_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(POOL_VARIABLE, "system")
    assert use_frugal_pool() is False
    env = {**os.environ, POOL_VARIABLE: "system"}
    assert _probe(env) == "False system"


def test_freed_pages_are_returned_only_under_jemalloc() -> None:
    probe = (
        "import pyarrow as pa; from chansync.arrow_memory import use_frugal_pool, return_freed_pages; "
        "before = return_freed_pages(); use_frugal_pool(); print(before, return_freed_pages())"
    )
    env = {k: v for k, v in os.environ.items() if k != POOL_VARIABLE}
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        pytest.skip("this pyarrow build has no jemalloc")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    before, after = done.stdout.split()
    assert after == "True"
    assert before == str(pa.default_memory_pool().backend_name == "jemalloc")  # another allocator is left alone
