"""The morning summary of a push: one line per channel a seller reads over coffee, as markdown for a file or a
GitHub job summary, and a short webhook message (Slack-compatible ``text``) when a run fails or is refused."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .i18n import N_, _, number
from .transports.local import write_atomic

if TYPE_CHECKING:
    from .config import LoadedConfig
    from .push import ChannelPush, PushResult

#: What each outcome reads as in a sentence ({count} is the number of listings).
_WORDS = {"create": N_("{count} created"), "update": N_("{count} updated"), "delist": N_("{count} taken off sale"),
          "skipped": N_("{count} left alone"),
          "unmanaged": N_("{count} not managed by chansync (left alone)")}  # fmt: skip


def channel_line(channel: ChannelPush) -> str:
    """``webshop: done: 4 updated (price 2, quantity 2), 1 created`` and the reason when it did not go through."""
    from .render import word

    fields = ", ".join(f"{name} {number(n)}" for name, n in channel.fields.items())
    counts = []
    for key, n in channel.counts.items():
        if n and key in _WORDS:
            text = _(_WORDS[key]).format(count=number(n))
            counts.append(f"{text} ({fields})" if key == "update" and fields else text)
    detail = ", ".join(counts) or _("nothing to change")
    line = f"{channel.name}: {word(channel.status)}: {detail}"
    if channel.failed:
        line += "; " + _("{count} not applied").format(count=number(len(channel.failed)))
    if channel.message:
        line += f". {channel.message}"
    return line


def summary_markdown(result: PushResult, *, title: str = "chansync push") -> str:
    verdicts = {0: _("done"), 1: _("refused"), 4: _("some channels failed")}
    verdict = verdicts.get(int(result.exit_code), _("failed"))
    head = f"### {title}: {verdict}" + (f" ({_('dry run')})" if result.dry_run else "")
    code = int(result.exit_code)
    lines = [head, "", _("Run {run}, exit code {code}.").format(run=f"`{result.run_id}`", code=code), ""]
    lines += [f"- {_markdown_text(channel_line(c))}" for c in result.channels]
    if result.write_back:
        lines += ["", _("Master sheet: {result}").format(result=_markdown_text(result.write_back))]
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
            problems.append(
                _("the summary could not be written to {path} ({name}): {reason}").format(
                    path=path, name=name, reason=exc.strerror or exc
                )
            )
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
        return _("the notification could not be sent: {reason}").format(reason=error.message)
    problems = [channel_line(c) for c in result.channels if c.status in ("refused", "failed")]
    head = _("chansync push {run} exited {code}: ").format(run=result.run_id, code=int(result.exit_code))
    text = head + " | ".join(problems)[:3000]
    client = HttpClient(url, policy=RetryPolicy(retries=2, timeout=10, backoff=1.0), secrets=(url,))
    try:
        client.request("POST", url, data=json.dumps({"text": text}).encode("utf-8"),
                       headers={"Content-Type": "application/json"})  # fmt: skip
    except ChansyncError as error:
        return _("the notification could not be sent: {reason}").format(reason=error.message)
    return None
