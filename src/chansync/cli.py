"""The command line: arguments in, a library call, a renderer out. Errors become exit codes here, and only here."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
import typer.core
from rich.console import Console

from . import __version__, i18n
from .config import DEFAULT_CONFIG, LoadedConfig, load_config
from .errors import ChansyncError, ExitCode
from .i18n import N_, _, ngettext
from .state.store import LockedError
from .transports.local import write_atomic

if TYPE_CHECKING:
    from .push import PushPlan, PushResult
    from .sync import ChannelPlan


class _Group(typer.core.TyperGroup):
    """The root command: its help (and every subcommand's) in the chosen language, and English again after each run
    (a command run in-process, as tests do, leaves the library as it found it)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        argv = kwargs.get("args", args[0] if args else None)
        _speak(_language_of(sys.argv[1:] if argv is None else list(argv)))  # before click parses anything
        try:
            return super().main(*args, **kwargs)
        finally:
            _speak(i18n.DEFAULT)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        if not ctx.meta.get(_LANGUAGE_SET):  # `chansync --help`: the help comes before the callback
            _set_language(ctx, None)
        _translate_help(ctx.find_root().command, ctx)
        super().format_help(ctx, formatter)


#: Set in the run's context (shared by the command and its subcommands) once the language is chosen.
_LANGUAGE_SET = "chansync.language"


def _language_of(argv: list[str]) -> str:
    """The language of a run from its arguments, before click parses them, so an error in the global options
    (``chansync --bogus``) is in that language too: ``--lang X`` or ``--lang=X`` among the options before the
    command, else the locale; a ``--lang`` value chansync does not speak counts as not given (click says so)."""
    option = None
    for at, token in enumerate(argv):
        if token == "--" or not token.startswith("-"):
            break  # the command: what follows are its own options
        if token == "--lang":
            option = argv[at + 1] if at + 1 < len(argv) else None
            break
        if token.startswith("--lang="):
            option = token.partition("=")[2]
            break
    if option is not None and i18n.normalise(option) is not None:
        return i18n.choose(option)
    return i18n.choose(None, os.environ)


def _set_language(ctx: Any, option: str | None) -> None:
    """Speak ``--lang`` or the locale's language from here on (help texts, messages, headings)."""
    try:
        chosen = i18n.choose(option, os.environ)
    except ValueError:
        raise typer.BadParameter(
            _("{value} is not a language chansync speaks: {choices}").format(
                value=option, choices=", ".join(i18n.LANGUAGES)
            ),
            param_hint="--lang",
        ) from None
    _speak(chosen)
    ctx.meta[_LANGUAGE_SET] = True


def _speak(chosen: str) -> None:
    """Use ``chosen`` for chansync's messages and for the words typer and click print (panel titles, usage)."""
    i18n.use(chosen)
    if chosen == i18n.DEFAULT and "typer.rich_utils" not in sys.modules:
        return  # typer's own words are English already; importing its rich helpers costs 60 ms at every start
    from typer import rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = _("Arguments")
    rich_utils.OPTIONS_PANEL_TITLE = _("Options")
    rich_utils.COMMANDS_PANEL_TITLE = _("Commands")
    rich_utils.ERRORS_PANEL_TITLE = _("Error")
    rich_utils.ABORTED_TEXT = _("Aborted.")
    rich_utils.DEFAULT_STRING = _("[default: {}]")
    rich_utils.ENVVAR_STRING = _("[env var: {}]")
    rich_utils.REQUIRED_LONG_STRING = _("[required]")
    rich_utils.RICH_HELP = _("Try [blue]'{command_path} {help_option}'[/] for help.")
    from .cli_click import install

    install()


def _translate_help(command: Any, ctx: Any) -> None:
    """Every help text of ``command`` and its subcommands in the current language (the English text, marked with
    ``N_`` or written as the docstring, is the message id; it is kept so a second call translates afresh)."""
    for item in [command, *command.params]:
        original = item.__dict__.setdefault("_chansync_help", getattr(item, "help", None))
        if original:
            item.help = _(original)
    option = command.get_help_option(ctx)
    if option is not None:
        option.help = _("Show this message and exit.")
    if isinstance(getattr(command, "commands", None), dict):
        for sub in command.commands.values():
            _translate_help(sub, ctx)


app = typer.Typer(
    name="chansync",
    cls=_Group,
    help=N_("Keep a product catalogue and stock in step across every sales channel."),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
config_app = typer.Typer(help=N_("Inspect the channels.yaml format."), no_args_is_help=True)
app.add_typer(config_app, name="config")

INTERNAL_ERROR = 70  # a bug in chansync, not in the input (EX_SOFTWARE)


class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"
    gitlab = "gitlab"


ConfigOption = Annotated[
    Path,
    typer.Option("--config", "-c", help=N_("The channels.yaml to use."), envvar="CHANSYNC_CONFIG", show_default=True),
]
ChannelOption = Annotated[
    list[str] | None, typer.Option("--channel", help=N_("Only this channel (repeatable)."), show_default=False)
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help=N_("Print only errors and the summary."))]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help=N_("Print more detail."))]

F = TypeVar("F", bound=Callable[..., Any])


def _console(stream: Any) -> Console:
    """Rich output; when it goes to a file or a CI log, wide lines instead of wrapping at 80 columns. No emoji
    codes: ``:fire:`` in a product title is text (data goes through :func:`chansync.render.safe` for markup)."""
    terminal = stream.isatty()
    return Console(file=stream, soft_wrap=True, highlight=False, emoji=False, width=None if terminal else 160)


def _stdout() -> Console:
    return _console(sys.stdout)


def _stderr() -> Console:
    return _console(sys.stderr)


def _debug() -> bool:
    return os.environ.get("CHANSYNC_DEBUG", "") not in ("", "0")


def _plain(text: str) -> str:
    """A message for the console: no secret any client was given, data markup and control characters escaped,
    and at most :data:`MESSAGE_CHARS` characters (a message that quotes a file must not print the whole file)."""
    from .render import safe
    from .transports.http import scrub

    text = scrub(text)
    if len(text) > MESSAGE_CHARS:
        more = i18n.number(len(text) - MESSAGE_CHARS)
        text = text[:MESSAGE_CHARS] + _("… ({count} more characters)").format(count=more)
    return safe(text, lines=True, limit=None)


MESSAGE_CHARS = 2000


def handles_errors(command: F) -> F:
    """Turn every :class:`ChansyncError` into its message and exit code; anything else is a bug, shown briefly."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except ChansyncError as error:
            if _debug():
                raise
            console = _stderr()
            console.print(f"[bold red]{_('error:')}[/] {_plain(error.message)}", markup=True, highlight=False)
            if error.hint:
                console.print(f"[dim]{_('hint:')}[/] {_plain(error.hint)}")
            raise typer.Exit(int(error.exit_code)) from None
        except KeyboardInterrupt:
            _stderr().print(_("interrupted"))
            raise typer.Exit(130) from None
        except OSError as error:  # a file the user named cannot be written or read (a full disk, no permission)
            if _debug():
                raise
            where = f"{error.filename}: " if error.filename else ""
            _stderr().print(f"[bold red]{_('error:')}[/] {_plain(where + (error.strerror or str(error)))}")
            raise typer.Exit(int(ExitCode.USAGE)) from None
        except Exception as error:
            if _debug():
                raise
            _stderr().print(
                f"[bold red]{_('internal error:')}[/] {_plain(f'{type(error).__name__}: {error}')}\n"
                + _("This is a bug in chansync. Run again with --debug for the traceback and please report it.")
            )
            raise typer.Exit(INTERNAL_ERROR) from None

    return wrapper  # type: ignore[return-value]


def _lang_option(ctx: typer.Context, value: str | None) -> str | None:
    """``--lang`` is read before anything else, so ``--lang nl --help`` is Dutch."""
    if value is not None:
        _set_language(ctx, value)
    return value


def _version(value: bool) -> None:
    if value:
        print(f"chansync {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            callback=_lang_option,
            is_eager=True,
            help=N_("Language of messages, tables and help: en or nl (default: from LANG, LC_MESSAGES, LC_ALL)."),
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help=N_("Print the version and exit."))
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help=N_("Show tracebacks (for reporting bugs)."))] = False,
) -> None:
    """Read the master sheet, check it, and make every channel match it.

    Exit codes: 0 ok · 1 errors found or push refused · 2 usage or config error · 3 diff has changes
    (--exit-code) · 4 some uploads failed.
    """
    if debug:
        os.environ["CHANSYNC_DEBUG"] = "1"
    if not ctx.meta.get(_LANGUAGE_SET):
        _set_language(ctx, lang)
    _translate_help(ctx.command, ctx)


def _load(path: Path) -> LoadedConfig:
    return load_config(path)


@app.command()
@handles_errors
def validate(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    channel: ChannelOption = None,
    format: Annotated[
        ValidateFormat,
        typer.Option("--format", "-f", help=N_("text, json, junit (needs --output), github or gitlab (Code Quality).")),
    ] = ValidateFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=N_("Write the report to this file instead of stdout."))
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help=N_("Treat warnings as errors."))] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help=N_("Issues shown per rule in text output."))] = 10,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Check the master sheet (and each channel's rules) and report every problem with its place.

    Exit 0 when clean or only warnings, 1 when there are errors (or warnings with --strict), 2 for usage errors.
    """
    from .arrow_memory import return_freed_pages
    from .render.machine import report_github, report_gitlab, report_json, report_junit
    from .render.text import render_report
    from .validation import validate as run_validate

    return_freed_pages()  # validate holds every column of the sheet: keep its peak low (see arrow_memory)

    if format is ValidateFormat.junit and output is None:
        raise ChansyncError(_("--format junit writes a file: add --output FILE (e.g. --output chansync-junit.xml)"))
    loaded = _load(config)
    with _progress(format is ValidateFormat.text):
        result = run_validate(loaded, channels=channel or None, strict=strict)
    report = result.report
    sources = [loaded.display_path(loaded.path_of(loaded.master.file, "master.file", must_exist=False))]
    if format is ValidateFormat.text:
        if output is not None:
            with output.open("w", encoding="utf-8") as handle:
                render_report(
                    report,
                    Console(file=handle, soft_wrap=True, width=120, emoji=False),
                    title=_title(sources),
                    limit=limit,
                )
        else:
            render_report(report, _stdout(), title=_title(sources), limit=1_000_000 if verbose else limit, quiet=quiet)
    else:
        rendered: str | bytes
        if format is ValidateFormat.json:
            rendered = report_json(report, sources=sources)
        elif format is ValidateFormat.junit:
            rendered = report_junit(report, sources=sources)
        elif format is ValidateFormat.gitlab:
            rendered = report_gitlab(report)
        else:
            rendered = report_github(report)
        _emit(rendered, output)
        if output is not None and not quiet:
            _stderr().print(
                _("{counts}; report written to {path}").format(counts=_counts(report), path=_plain(str(output)))
            )
    raise typer.Exit(int(ExitCode.OK if report.ok else ExitCode.ERRORS))


def _title(sources: list[str]) -> str:
    return "chansync validate · " + ", ".join(sources)


def _counts(report: Any) -> str:
    """``2 errors, 1 warning`` in the current language."""
    errors = ngettext("{count} error", "{count} errors", report.errors).format(count=i18n.number(report.errors))
    warnings = ngettext("{count} warning", "{count} warnings", report.warnings).format(
        count=i18n.number(report.warnings)
    )
    return f"{errors}, {warnings}"


def _emit(rendered: str | bytes, output: Path | None) -> None:
    data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(output, data)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class PlanFormat(StrEnum):
    text = "text"
    json = "json"
    xlsx = "xlsx"


class StockFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


@app.command()
@handles_errors
def diff(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    channel: ChannelOption = None,
    format: Annotated[
        PlanFormat,
        typer.Option("--format", "-f", help=N_("text, json, or xlsx (a workbook to review; needs --output).")),
    ] = PlanFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=N_("Write the plan (json or xlsx) to this file."))
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help=N_("Items shown per channel in text output."))] = 20,
    plan_file: Annotated[
        Path | None, typer.Option("--plan", help=N_("Save the plan (JSON) for `chansync push --plan FILE`."))
    ] = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help=N_("Exit 3 when there is something to change, 0 when not."))
    ] = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Plan every channel: what to create, update (field: old -> new), delist, and what is left alone."""
    from .render.plan import plans_json, render_plans
    from .sync import plan as run_plan

    loaded = _load(config)
    from .push import peek_state

    state = peek_state(loaded)  # three-way plans when a push has recorded bases; diff itself records nothing
    try:
        with _progress(format is PlanFormat.text):
            result = run_plan(loaded, channels=channel or None, state=state)
    finally:
        if state is not None:
            state.close()
    report = result.report
    plans = [c.plan for c in result.channels]
    summary = {"errors": report.errors, "warnings": report.warnings}
    if result.validation.catalog is None:
        raise ChansyncError(report.fatal or _("the master sheet could not be read"))
    if plan_file is not None:
        write_atomic(plan_file, plans_json(plans, report_summary=summary).encode("utf-8"))
    if format is PlanFormat.xlsx:
        from .planxlsx import plans_xlsx

        if output is None:
            raise ChansyncError(_("--format xlsx writes a workbook: add --output FILE (e.g. --output plan.xlsx)"))
        write_atomic(output, plans_xlsx(plans))
        _stderr().print(
            _(
                "plan written to {path}: review it, then `chansync push --plan {path}` applies the rows still "
                "marked yes"
            ).format(path=_plain(str(output)))
        )
    elif format is PlanFormat.json:
        _emit(plans_json(plans, report_summary=summary), output)
    else:
        console = _stdout()
        if not quiet:
            console.print(f"[bold]chansync diff[/] · {loaded.display}")
            if report.errors or report.warnings:
                console.print(
                    "[dim]"
                    + _(
                        "master: {counts} (items with errors are left as they are; `chansync validate` shows them)"
                    ).format(counts=_counts(report))
                    + "[/]"
                )
        if not plans and not result.failed:
            console.print(_("no channels configured: add one under `channels:` (see `chansync channels`)"))
        render_plans(plans, console, limit=1_000_000 if verbose else limit)
        _export_issues(result.channels, console, limit=1_000_000 if verbose else limit, quiet=quiet)
        if plan_file is not None:
            console.print("\n" + _("plan saved to {path}").format(path=_plain(str(plan_file))))
    if result.failed:  # each channel that could not be read is said; the others were planned
        errors = _stderr()
        for name, reason in result.failed.items():
            errors.print(
                f"[bold red]{_('error:')}[/] "
                + _("channel {name} could not be read: {reason}").format(name=_plain(name), reason=_plain(reason))
            )
        raise typer.Exit(int(ExitCode.USAGE))
    changed = any(p.has_changes for p in plans)
    raise typer.Exit(int(ExitCode.CHANGES if exit_code and changed else ExitCode.OK))


def _export_issues(channels: list[ChannelPlan], console: Console, *, limit: int, quiet: bool) -> None:
    """What each channel's export held that chansync could not use (a price it cannot read, one key on two rows),
    grouped by rule with its place, after the plans."""
    from .issues import Report
    from .render.text import render_issue_groups

    for channel in channels:
        found = Report()
        found.add(channel.export_issues)
        if not len(found.frame) or (quiet and not found.errors):
            continue
        console.print(
            "\n[bold]"
            + _("{channel}: what chansync could not use in the channel's export").format(channel=_plain(channel.name))
            + "[/]"
        )
        render_issue_groups(found, console, limit=limit)


@app.command()
@handles_errors
def push(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    channel: ChannelOption = None,
    plan_file: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help=N_(
                "Apply only if the plan is still the one saved by `chansync diff --plan FILE` "
                "(JSON) or `chansync diff --format xlsx` (a reviewed workbook: only rows marked yes)."
            ),
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=N_("Plan and check everything; write and send nothing."))
    ] = False,
    no_upload: Annotated[
        bool, typer.Option("--no-upload", help=N_("Write the feeds; upload and apply nothing."))
    ] = False,
    force: Annotated[bool, typer.Option("--force", help=N_("Push even what the safety guard refuses."))] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help=N_("Do not ask (push never asks when stdin is not a terminal)."))
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help=N_("Refuse everything when the master has any error."))
    ] = False,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help=N_("text or json."))] = OutputFormat.text,
    limit: Annotated[int, typer.Option("--limit", min=1, help=N_("Items shown per channel in text output."))] = 20,
    summary_to: Annotated[
        Path | None, typer.Option("--summary-to", help=N_("Also write the morning summary (markdown) to this file."))
    ] = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Validate, plan, write each channel's feed atomically, and upload or apply it where configured.

    Ends with a line per channel (done, refused or failed, counts per field); --summary-to FILE writes it as
    markdown, and in a GitHub Actions job it is added to the job summary. With `notify: {webhook: ${URL}}` in the
    config, a failed or refused run posts a short message there.
    """
    from .journal import new_run_id
    from .push import open_state, prepare, record_refusal
    from .render.push import push_json, render_push

    loaded = _load(config)
    state = open_state(loaded)
    run = new_run_id()
    try:
        with contextlib.nullcontext() if dry_run else state.lock():  # a second push stops here, before any work
            try:
                with _progress(format is OutputFormat.text):
                    prepared = prepare(loaded, channels=channel or None, strict=strict, force=force,
                                       saved_plan=plan_file, state=state)  # fmt: skip
            except ChansyncError as error:
                record_refusal(state, run, "push", error, dry_run=dry_run)
                raise
            result = _push_prepared(prepared, loaded.display, dry_run=dry_run, no_upload=no_upload, yes=yes,
                                    text=format is OutputFormat.text, quiet=quiet,
                                    limit=1_000_000 if verbose else limit, run=run)  # fmt: skip
        history = state.runs(limit=4)[1:]
    except ChansyncError as error:
        if not isinstance(error, LockedError):
            raise
        record_refusal(state, run, "push", error, dry_run=dry_run)
        raise
    finally:
        state.close()
    from .summary import channel_line, notify, write_summaries

    problems = [p for p in (write_summaries(result, summary_to), notify(loaded, result)) if p]
    if format is OutputFormat.text:
        render_push(result, _stdout(), last_runs=history)
        console = _stdout()
        console.print(f"\n[bold]{_('summary')}[/]")
        for line in (channel_line(c) for c in result.channels):
            console.print(f"  {_plain(line)}")
    else:
        _emit(push_json(result, last_runs=history), None)
    for problem in problems:
        _stderr().print(f"[yellow]{_('warning:')}[/] {_plain(problem)}")
    raise typer.Exit(int(result.exit_code))


@contextlib.contextmanager
def _progress(text: bool) -> Any:
    """Progress bars on stderr for the library's long steps (reading the sheet and the channels, planning, writing
    feeds, each upload: counts and rates), only when a person watches a terminal and the output is text: never in
    cron or CI logs (stderr is no terminal there), never with --format json."""
    if not text or not sys.stderr.isatty():
        yield
        return
    from .progress import RichReporter, reporting

    with RichReporter(_stderr()) as reporter, reporting(reporter):
        yield


def _push_prepared(
    prepared: PushPlan,
    display: str,
    *,
    dry_run: bool,
    no_upload: bool,
    yes: bool,
    text: bool,
    quiet: bool,
    limit: int,
    run: str | None = None,
    title: str = "chansync push",
) -> PushResult:
    """Show the plan (text), ask when a person is at the terminal, then write and deliver."""
    from .push import apply
    from .render.plan import render_plans
    from .render.push import render_guard

    console = _stdout()
    if text and not quiet:
        console.print(f"[bold]{title}[/] · {_plain(display)}" + (f" [cyan]({_('dry run')})[/]" if dry_run else ""))
        report = prepared.report
        if report.errors or report.warnings:
            console.print("[dim]" + _("master: {counts} (items with errors are left as they are)")
                          .format(counts=_counts(report)) + "[/]")  # fmt: skip
        render_plans([c.plan for c in prepared.channels], console, limit=limit)
        _export_issues(prepared.channels, console, limit=limit, quiet=quiet)
        console.print()
    if text:
        render_guard(prepared, console)
    changes = any(c.plan.has_changes for c in prepared.channels)
    if not dry_run and changes and not yes and sys.stdin.isatty() and not typer.confirm(_("Push these changes?")):
        console.print(_("nothing was changed"))
        raise typer.Exit(int(ExitCode.OK))
    if dry_run:
        return apply(prepared, dry_run=dry_run, no_upload=no_upload, locked=True, run_id=run)
    from . import progress

    total = len(prepared.channels)
    with (
        _progress(text),
        progress.task(_("writing and sending"), total=total, unit=_("channels"), rate=False) as overall,
    ):
        started: list[str] = []

        def step(name: str) -> None:
            if started:
                overall.advance()
            started.append(name)
            overall.describe(_("{channel}: writing and sending").format(channel=name))

        result = apply(prepared, dry_run=dry_run, no_upload=no_upload, locked=True, run_id=run, on_channel=step)
    return result


@app.command()
@handles_errors
def undo(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    run_id: Annotated[
        str | None, typer.Option("--run", help=N_("The run to undo (`chansync log`); the last push by default."))
    ] = None,
    channel: ChannelOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=N_("Show the plan; write and send nothing."))] = False,
    force: Annotated[
        bool, typer.Option("--force", help=N_("Also set back listings changed on the channel since that run."))
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=N_("Do not ask."))] = False,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help=N_("text or json."))] = OutputFormat.text,
    limit: Annotated[int, typer.Option("--limit", min=1, help=N_("Items shown per channel in text output."))] = 20,
) -> None:
    """Set every channel a push changed back to the values it had before that push (the last push by default).

    Listings changed on the channel since then are shown as conflicts and left alone unless --force. Applied like a
    push: lock, safety guard, feeds, uploads, sync state and run log.
    """
    from .journal import new_run_id
    from .push import open_state, record_refusal
    from .render.push import push_json, render_push
    from .undo import prepare_undo

    loaded = _load(config)
    state = open_state(loaded)
    run = new_run_id()
    try:
        with contextlib.nullcontext() if dry_run else state.lock():
            try:
                with _progress(format is OutputFormat.text):
                    prepared = prepare_undo(loaded, state, run_id=run_id, channels=channel or None, force=force)
            except ChansyncError as error:
                record_refusal(state, run, "undo", error, dry_run=dry_run)
                raise
            for name, plan in ((c.name, c.plan) for c in prepared.channels):
                conflicts = plan.meta.get("conflicts") or []
                if conflicts and format is OutputFormat.text:
                    shown = ", ".join(conflicts[:10]) + (
                        _(" and {count} more").format(count=i18n.number(len(conflicts) - 10))
                        if len(conflicts) > 10
                        else ""
                    )
                    note = _(
                        "{channel}: changed on the channel since that run, left alone (--force sets them back too): "
                    ).format(channel=name)
                    _stdout().print(note + shown, markup=False)
            result = _push_prepared(prepared, loaded.display, dry_run=dry_run, no_upload=False, yes=yes,
                                    text=format is OutputFormat.text, quiet=False, limit=limit, run=run,
                                    title="chansync undo")  # fmt: skip
    finally:
        state.close()
    if format is OutputFormat.text:
        render_push(result, _stdout())
    else:
        _emit(push_json(result), None)
    raise typer.Exit(int(result.exit_code))


@app.command()
@handles_errors
def report(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    output: Annotated[Path, typer.Option("--output", "-o", help=N_("The HTML file to write."))] = Path("report.html"),
    open_it: Annotated[bool, typer.Option("--open", help=N_("Open it in the browser afterwards."))] = False,
) -> None:
    """One self-contained HTML report: coverage, stock, prices, data quality and history per channel, with charts.

    Needs the report extra: pip install 'chansync[report]'.
    """
    from .kpis import compute
    from .push import peek_state
    from .render.report import render_report

    loaded = _load(config)
    state = peek_state(loaded)
    try:
        kpis = compute(loaded, state)
    finally:
        if state is not None:
            state.close()
    write_atomic(output, render_report(kpis).encode("utf-8"))
    _stdout().print(_("report written to {path}").format(path=_plain(str(output))))
    if open_it:
        import webbrowser

        webbrowser.open(output.resolve().as_uri())


@app.command()
@handles_errors
def log(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help=N_("How many runs, newest first."))] = 20,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help=N_("text or json."))] = OutputFormat.text,
) -> None:
    """The runs, newest first: when, what, each channel's outcome (done, refused, failed, dry run) and why."""
    import json

    from .push import peek_state
    from .render import word
    from .render.push import run_line

    state = peek_state(_load(config))
    runs = state.runs(limit) if state is not None else []
    if format is OutputFormat.json:
        _emit(json.dumps({"schema": "chansync.log/1", "runs": runs}, ensure_ascii=False, default=str) + "\n", None)
        return
    console = _stdout()
    if not runs:
        console.print(_("no runs yet: `chansync push` records each run here"))
        return
    for run in runs:
        console.print(run_line(run), markup=False)
        for channel in run["channels"]:
            counts = ", ".join(f"{word(k)} {v}" for k, v in channel["counts"].items() if v and k != "unchanged")
            fields = ", ".join(f"{k} {v}" for k, v in channel["fields"].items())
            detail = "; ".join(
                p
                for p in (counts, _("fields: {fields}").format(fields=fields) if fields else "", channel["reason"])
                if p
            )
            console.print(f"    {channel['channel']}: {word(channel['status'])}" + (f" ({detail})" if detail else ""),
                          markup=False)  # fmt: skip


@app.command()
@handles_errors
def stock(
    skus: Annotated[list[str] | None, typer.Argument(help=N_("Only these SKUs."), show_default=False)] = None,
    config: ConfigOption = Path(DEFAULT_CONFIG),
    format: Annotated[StockFormat, typer.Option("--format", "-f", help=N_("text, json or csv."))] = None,  # type: ignore[assignment]
) -> None:
    """Per SKU: the master count, units sold per channel since it, what is available, and what each channel gets."""
    import json

    import pandas as pd

    from .push import peek_state
    from .state.views import stock_table

    loaded = _load(config)
    table = stock_table(loaded, peek_state(loaded), skus or None)
    shown = format or StockFormat.text
    if shown is StockFormat.json:
        records = [{k: (None if pd.isna(v) else v) for k, v in r.items()} for r in table.to_dict(orient="records")]
        _emit(json.dumps({"schema": "chansync.stock/1", "items": records}, ensure_ascii=False, default=int) + "\n",
              None)  # fmt: skip
        return
    if shown is StockFormat.csv:
        _emit(table.to_csv(index=False), None)
        return
    from rich.table import Table

    grid = Table(box=None, header_style="dim", pad_edge=False, padding=(0, 1))
    for column in table.columns:
        grid.add_column(_stock_heading(str(column)), justify="left" if column == "sku" else "right")
    for row in table.astype("string").fillna("?").itertuples(index=False):
        grid.add_row(*(str(v) for v in row))
    _stdout().print(grid)


def _stock_heading(column: str) -> str:
    """A column of the stock table as a heading in the current language (JSON and CSV keep the names)."""
    fixed = {"sku": _("sku"), "master": _("master"), "sold": _("sold"), "available": _("available")}
    if column in fixed:
        return fixed[column]
    for key, heading in (("sold on ", _("sold on {channel}")), ("to ", _("to {channel}"))):  # not shown: the keys
        if column.startswith(key):
            return heading.format(channel=column.removeprefix(key))
    return column


@app.command()
@handles_errors
def channels(
    config: ConfigOption = Path(DEFAULT_CONFIG),
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help=N_("text or json."))] = OutputFormat.text,
) -> None:
    """List the configured channels and every available adapter (built-in and plugins) with its origin."""
    import json

    from rich.table import Table

    from .adapters.registry import Registry

    registry = Registry.discover()
    infos = registry.available()
    configured: list[dict[str, Any]] = []
    if config.exists():
        loaded = _load(config)
        for name, channel_config in loaded.channels.items():
            configured.append(
                {
                    "name": name,
                    "adapter": channel_config.adapter,
                    "export": channel_config.export,
                    "feed": channel_config.feed,
                    "upload": channel_config.upload.type if channel_config.upload else None,
                }
            )
    if format is OutputFormat.json:
        adapters = [
            {
                "name": i.name,
                "origin": i.origin,
                "target": i.target,
                "ok": i.ok,
                "error": i.error,
                "capabilities": sorted(c.value for c in i.adapter.capabilities) if i.adapter else [],
            }
            for i in infos
        ]
        _emit(json.dumps({"channels": configured, "adapters": adapters}, indent=2) + "\n", None)
        return
    console = _stdout()
    if configured:
        table = Table(title=_("configured channels"), title_justify="left", box=None, header_style="dim")
        for column in (_("channel"), _("adapter"), _("export"), _("feed"), _("upload")):
            table.add_column(column)
        for item in configured:
            table.add_row(*(_plain(str(item[k] or "")) for k in ("name", "adapter", "export", "feed", "upload")))
        console.print(table)
        console.print()
    table = Table(title=_("available adapters"), title_justify="left", box=None, header_style="dim")
    for column in (_("adapter"), _("origin"), _("capabilities"), _("status")):
        table.add_column(column)
    for info in infos:
        caps = ", ".join(sorted(c.value for c in info.adapter.capabilities)) if info.adapter else ""
        status = (
            f"[green]{_('ok')}[/]"
            if info.ok
            else f"[red]{_('failed: {reason}').format(reason=_plain(str(info.error)))}[/]"
        )
        origin = _("built-in") if info.origin == "built-in" else info.origin  # JSON keeps "built-in"
        table.add_row(info.name, origin, caps, status)
    console.print(table)


@app.command()
@handles_errors
def init(
    directory: Annotated[Path, typer.Argument(help=N_("Folder to write into (created if needed)."))] = Path("."),
    force: Annotated[bool, typer.Option("--force", help=N_("Overwrite existing files."))] = False,
    channel: Annotated[
        list[str] | None,
        typer.Option(
            "--channel",
            help=N_(
                "Add a commented example channel of this kind (repeatable): shopify, "
                "woocommerce, google_merchant, meta, amazon, bol, ebay, etsy, csv."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a starter channels.yaml (with an example block per --channel) and a small master workbook."""
    from .starter import init_project

    written = init_project(directory, force=force, channels=channel or None)
    console = _stdout()
    for path in written:
        console.print(_("wrote {path}").format(path=_plain(str(path))))
    config_path = written[0]
    console.print(_("next: {command}").format(command=f"[bold]chansync validate -c {_plain(str(config_path))}[/]"))


@config_app.command("schema")
@handles_errors
def config_schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help=N_("Write the schema to this file."))] = None,
) -> None:
    """Print the JSON Schema of channels.yaml, every adapter's own keys included (for editors and CI)."""
    from .schema import json_schema_text

    _emit(json_schema_text() + "\n", output)


def main() -> None:
    """Console-script entry point."""
    from .arrow_memory import use_frugal_pool

    use_frugal_pool()
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
