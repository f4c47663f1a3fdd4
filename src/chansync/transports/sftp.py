"""SFTP delivery of the written feed files (Google Merchant Center and Meta take scheduled feeds this way).

Atomic on the server: each file goes to a temporary name in the target's folder, then is renamed over the target
(``posix-rename``; remove + rename on servers without that extension), so a scheduled fetch never reads half a file.
The temporary file is removed when anything fails.

Host keys: with ``known_hosts`` set, that file is loaded and a host not in it is refused. Without it, the user's
``~/.ssh/known_hosts`` is used the same way when it exists (the hosts ``ssh`` already trusts). Only when neither
exists is the server's key accepted on first use, as ``ssh -o StrictHostKeyChecking=accept-new`` would: a seller with
no SSH set-up can still deliver, the result says the key was not verified, and a warning logs its fingerprint. A key
that differs from a known one is always refused. Nothing is ever written to a known_hosts file.

Retried with the HTTP policy's backoff and jitter: connection errors (refused, reset, timed out, a failed SSH
handshake, a dropped session); the whole session is tried again, which is safe because each upload is atomic. Not
retried: authentication failures, an unknown or changed host key, a bad key file, SFTP errors from the server (no
such folder, permission denied). Only key or password authentication is tried (no agent, no ~/.ssh keys), so what
happens depends on the config alone. Every message passes through :func:`redact`.
"""

from __future__ import annotations

import contextlib
import logging
import posixpath
import random
import secrets as tokens
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import paramiko
from paramiko.pkey import UnknownKeyType

from ..errors import ChansyncError, TransportError
from ..i18n import _
from .http import RetryPolicy, redact

log = logging.getLogger(__name__)

# Errors that mean "the connection failed", once the session is up (before it, any OSError does).
_DROPPED = (paramiko.SSHException, EOFError, TimeoutError, ConnectionError)


class _UnknownHost(paramiko.SSHException):
    """The server's host key is in no known_hosts file that was loaded."""


class _Retriable(Exception):
    """An attempt failed in a way that trying again later may fix."""


class _HostKeyPolicy(paramiko.MissingHostKeyPolicy):
    """Refuse unknown hosts (``trust_new=False``) or accept them for this session only, remembering the fingerprint."""

    def __init__(self, trust_new: bool) -> None:
        self.trust_new = trust_new
        self.accepted: str | None = None

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        fingerprint = f"{key.get_name()} {key.fingerprint}"
        if not self.trust_new:
            raise _UnknownHost(
                _("the host key of {host} ({fingerprint}) is not in known_hosts").format(
                    host=hostname, fingerprint=fingerprint
                )
            )
        self.accepted = fingerprint


def send_files(
    files: Sequence[Path],
    section: Any,
    secrets: tuple[str, ...],
    *,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> str:
    """Upload ``files`` as the upload ``section`` says; return what was done ("sftp user@host:/feeds/google.xml")."""
    pairs = _targets(files, section.path)
    where = f"{section.username}@{section.host}" + ("" if section.port == 22 else f" port {section.port}")
    policy = RetryPolicy(retries=section.retries, timeout=section.timeout, backoff=section.backoff)
    pkey = _load_key(section.key_file, section.password, secrets)
    if pkey is None and not section.password:
        raise ChansyncError(_("an sftp upload needs a password (as ${VAR}) or a key_file"))
    known_hosts = _known_hosts(section.known_hosts, secrets)
    rng = rng or random.Random()
    reason = ""
    for attempt in range(policy.retries + 1):
        try:
            accepted = _upload(pairs, section, pkey, known_hosts, policy.timeout, secrets)
        except _Retriable as exc:
            reason = str(exc)
        else:
            done = f"sftp {where}:{', '.join(remote for _local, remote in pairs)}"
            if accepted:
                log.warning(
                    _("sftp: unverified host key of {where} accepted ({fingerprint}); set upload.known_hosts").format(
                        where=where, fingerprint=accepted
                    )
                )
                done += " " + _("(host key not verified: no known_hosts)")
            return redact(done, secrets)
        if attempt < policy.retries:
            sleep(policy.wait(attempt, None, rng))
    raise TransportError(
        redact(
            _("sftp upload to {where} failed after {count} attempts: {reason}").format(
                where=where, count=policy.retries + 1, reason=reason
            ),
            secrets,
        ),
        retriable=True,
    )


def _targets(files: Sequence[Path], path: str) -> list[tuple[Path, str]]:
    """Each local file with its remote path (``{file}`` in ``path`` is the local file's name)."""
    if not files:
        raise ChansyncError(
            _("an sftp upload sends the written feed files, and there are none; set the channel's `feed`")
        )
    if len(files) > 1 and "{file}" not in path:
        raise ChansyncError(
            _("the feed has {count} files; put {{file}} in upload.path for their names").format(count=len(files))
        )
    return [(Path(f), path.replace("{file}", Path(f).name)) for f in files]


def _load_key(key_file: str | None, password: str | None, secrets: tuple[str, ...]) -> paramiko.PKey | None:
    """The private key, read before connecting so a missing or unreadable key is reported once and not retried.
    An encrypted key is unlocked with the password (as paramiko's ``connect`` does)."""
    if not key_file:
        return None
    path = Path(key_file).expanduser()
    unreadable = (OSError, ValueError, paramiko.SSHException, UnknownKeyType)
    try:
        return paramiko.PKey.from_path(path)
    except TypeError:  # the key is encrypted
        if not password:
            raise _fatal(
                _("sftp: key_file {file} is encrypted; give its passphrase as password").format(file=key_file), secrets
            ) from None
        try:
            return paramiko.PKey.from_path(path, password.encode())  # type: ignore[arg-type]  # bytes at runtime
        except (TypeError, *unreadable):
            raise _fatal(
                _("sftp: the password does not unlock the encrypted key_file {file}").format(file=key_file), secrets
            ) from None
    except unreadable as exc:
        raise _fatal(_("sftp: cannot use key_file {file}: {error}").format(file=key_file, error=exc), secrets) from None


def _known_hosts(configured: str | None, secrets: tuple[str, ...]) -> Path | None:
    """The known_hosts file to check the server against, or None (accept the key on first use): see the docstring."""
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise _fatal(_("sftp: known_hosts file {file} not found").format(file=configured), secrets)
        return path
    user = Path("~/.ssh/known_hosts").expanduser()
    return user if user.is_file() else None


def _upload(
    pairs: list[tuple[Path, str]],
    section: Any,
    pkey: paramiko.PKey | None,
    known_hosts: Path | None,
    timeout: float,
    secrets: tuple[str, ...],
) -> str | None:
    """One session: connect, upload every file. Returns the fingerprint of a key accepted on first use, if any."""
    client = paramiko.SSHClient()
    host_keys = _HostKeyPolicy(trust_new=known_hosts is None)
    client.set_missing_host_key_policy(host_keys)
    host = f"{section.host}:{section.port}"
    try:
        if known_hosts is not None:
            try:
                client.load_host_keys(str(known_hosts))
            except (OSError, paramiko.SSHException) as exc:
                raise _fatal(
                    _("sftp: cannot read known_hosts {file}: {error}").format(file=known_hosts, error=exc), secrets
                ) from None
        try:
            client.connect(
                section.host, section.port, username=section.username, password=section.password, pkey=pkey,
                timeout=timeout, banner_timeout=timeout, auth_timeout=timeout, channel_timeout=timeout,
                allow_agent=False, look_for_keys=False,
            )  # fmt: skip
            sftp = client.open_sftp()
        except paramiko.AuthenticationException as exc:
            raise _fatal(
                _("sftp: {user}@{host} refused the login: {error}").format(user=section.username, host=host, error=exc),
                secrets,
            ) from None
        except _UnknownHost as exc:
            command = f"ssh-keyscan -p {section.port} {section.host} >> {known_hosts}"
            hint = _("add it with `{command}` after checking it").format(command=command)
            raise _fatal(_("sftp: refused to connect: {error}; {hint}").format(error=exc, hint=hint), secrets) from None
        except paramiko.BadHostKeyException as exc:
            raise _fatal(
                _("sftp: the host key of {host} differs from known_hosts, refused: {error}").format(
                    host=host, error=exc
                ),
                secrets,
            ) from None
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise _Retriable(f"{type(exc).__name__}: {exc}") from None
        channel = sftp.get_channel()
        if channel is not None:  # every SFTP read and write times out too, not only the connect
            channel.settimeout(timeout)
        for local, remote in pairs:
            try:
                _put_atomic(sftp, local, remote)
            except _DROPPED as exc:
                raise _Retriable(f"{local.name} -> {remote}: {type(exc).__name__}: {exc}") from None
            except OSError as exc:
                raise _fatal(
                    _("sftp: {file} -> {remote} on {host} failed: {error}").format(
                        file=local.name, remote=remote, host=host, error=exc
                    ),
                    secrets,
                ) from None
    finally:
        client.close()
    return host_keys.accepted


def _fatal(message: str, secrets: tuple[str, ...]) -> TransportError:
    return TransportError(redact(message, secrets), retriable=False)


def _put_atomic(sftp: paramiko.SFTPClient, local: Path, remote: str) -> None:
    """Upload to a temporary name beside ``remote`` and rename it over ``remote``; remove it on any failure."""
    folder, name = posixpath.split(remote)
    temp = posixpath.join(folder, f".{name}.{tokens.token_hex(6)}.tmp")
    try:
        sftp.put(str(local), temp, confirm=True)  # confirm: the remote size is checked
        with contextlib.suppress(FileNotFoundError):  # keep the mode of the file being replaced
            sftp.chmod(temp, (sftp.stat(remote).st_mode or 0o644) & 0o777)
        try:
            sftp.posix_rename(temp, remote)
        except OSError as exc:
            if exc.errno is not None:  # ENOENT, EACCES: a real answer, not "unsupported"
                raise
            # No posix-rename extension: plain SFTP rename will not replace a file, so remove the old one first
            # (a fetcher may briefly find no file, never half of one).
            with contextlib.suppress(FileNotFoundError):
                sftp.remove(remote)
            sftp.rename(temp, remote)
    except BaseException:
        with contextlib.suppress(OSError, *_DROPPED):
            sftp.remove(temp)
        raise
