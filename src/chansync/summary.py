"""The morning summary of a push: one line per channel a seller reads over coffee, as markdown for a file or a
GitHub job summary, and a short webhook message (Slack-compatible ``text``) when a run fails or is refused."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .transports.local import write_atomic

if TYPE_CHECKING:
    from .config import LoadedConfig
    from .push import ChannelPush, PushResult

#: What each outcome reads as in a sentence.
_WORDS = {"create": "created", "update": "updated", "delist": "taken off sale", "skipped": "left alone",
          "unmanaged": "not managed by chansync (left alone)"}  # fmt: skip


def channel_line(channel: ChannelPush) -> str:
    """``webshop: done: 4 updated (price 2, quantity 2), 1 created`` and the reason when it did not go through."""
    counts = [f"{n:,} {_WORDS[k]}" for k, n in channel.counts.items() if n and k in _WORDS]
    fields = ", ".join(f"{name} {n:,}" for name, n in channel.fields.items())
    if fields and channel.counts.get("update"):
        counts = [f"{c} ({fields})" if c.endswith("updated") else c for c in counts]
    detail = ", ".join(counts) or "nothing to change"
    line = f"{channel.name}: {channel.status}: {detail}"
    if channel.failed:
        line += f"; {len(channel.failed):,} not applied"
    if channel.message:
        line += f". {channel.message}"
    return line


def summary_markdown(result: PushResult, *, title: str = "chansync push") -> str:
    verdict = {0: "done", 1: "refused", 4: "some channels failed"}.get(int(result.exit_code), "failed")
    head = f"### {title}: {verdict}" + (" (dry run)" if result.dry_run else "")
    lines = [head, "", f"Run `{result.run_id}`, exit code {int(result.exit_code)}.", ""]
    lines += [f"- {_markdown_text(channel_line(c))}" for c in result.channels]
    if result.write_back:
        lines += ["", f"Master sheet: {_markdown_text(result.write_back)}"]
    return "\n".join(lines) + "\n"


def _markdown_text(text: str) -> str:
    """Data in markdown without it becoming markup (a title like ``*SALE*`` or a ``<script>``)."""
    for char in "\\`*_[]<>|#":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")


def write_summaries(result: PushResult, summary_to: Path | None) -> str | None:
    """The markdown summary to ``summary_to`` (replaced atomically) and, in a GitHub Actions job, appended to the
    job summary (``GITHUB_STEP_SUMMARY``). The push is done by then: a file that cannot be written is said (the
    returned sentence), not raised."""
    text = summary_markdown(result)
    targets = [("--summary-to", summary_to)] if summary_to is not None else []
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        targets.append(("GITHUB_STEP_SUMMARY", Path(step_summary)))
    problems = []
    for name, path in targets:
        try:
            if name == "GITHUB_STEP_SUMMARY":
                with open(path, "a", encoding="utf-8") as handle:
                    handle.write(text + "\n")
            else:
                write_atomic(path, text.encode("utf-8"))
        except OSError as exc:
            problems.append(f"the summary could not be written to {path} ({name}): {exc.strerror or exc}")
    return "; ".join(problems) or None


def notify(config: LoadedConfig, result: PushResult) -> str | None:
    """Post a short message to ``notify.webhook`` when the run failed or was refused; returns what went wrong
    posting it (the run's own outcome is unchanged), or None."""
    hook = config.model.notify
    if hook is None or int(result.exit_code) == 0 or result.dry_run:
        return None
    from .errors import ChansyncError
    from .transports.http import HttpClient, RetryPolicy

    try:
        url = config.expand(hook.webhook, "notify.webhook")
    except ChansyncError as error:
        return f"the notification could not be sent: {error.message}"
    problems = [channel_line(c) for c in result.channels if c.status in ("refused", "failed")]
    text = f"chansync push {result.run_id} exited {int(result.exit_code)}: " + " | ".join(problems)[:3000]
    client = HttpClient(url, policy=RetryPolicy(retries=2, timeout=10, backoff=1.0), secrets=(url,))
    try:
        client.request("POST", url, data=json.dumps({"text": text}).encode("utf-8"),
                       headers={"Content-Type": "application/json"})  # fmt: skip
    except ChansyncError as error:
        return f"the notification could not be sent: {error.message}"
    return None
