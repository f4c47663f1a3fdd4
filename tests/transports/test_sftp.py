"""SFTP delivery against a real OpenSSH server on 127.0.0.1 (started here, as the current user, key auth only):
uploads land whole and atomically, host keys are checked, what is retried and what is not, secrets kept out."""

from __future__ import annotations

import getpass
import os
import random
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paramiko
import pytest

from chansync.connect import Expanded
from chansync.errors import ChansyncError, TransportError
from chansync.transports.sftp import send_files

PASSWORD = "hunter2-Sekr1t-pass"
SBIN = ("/usr/sbin/sshd", "/usr/local/sbin/sshd")  # often not on a non-root PATH
SSHD = shutil.which("sshd") or next((p for p in SBIN if os.access(p, os.X_OK)), None)
SKIP = "OpenSSH server not installed; .ci/run installs it"


@dataclass
class Server:
    port: int
    user: str
    key: Path  # authorised
    other_key: Path  # not authorised
    host_key_line: str  # "ssh-ed25519 AAAA…" of the server
    known_hosts: Path
    base: Path

    def section(self, path: str, **changes: Any) -> Expanded:
        values = {
            "type": "sftp", "host": "127.0.0.1", "port": self.port, "username": self.user, "password": None,
            "key_file": str(self.key), "path": path, "known_hosts": str(self.known_hosts),
            "timeout": 5.0, "retries": 2, "backoff": 0.01,
        }  # fmt: skip
        return Expanded({**values, **changes})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def keygen(path: Path, passphrase: str = "") -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", "test", "-f", str(path)], check=True)
    return path


def sshd_config(base: Path, port: int, host_key: Path, penalties: bool) -> Path:
    lines = [
        "ListenAddress 127.0.0.1", f"Port {port}", f"HostKey {host_key}", f"PidFile {base / 'sshd.pid'}",
        f"AuthorizedKeysFile {base / 'authorized_keys'}", "PubkeyAuthentication yes", "PasswordAuthentication no",
        "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password", "UsePAM no", "StrictModes no",
        "UseDNS no", "LogLevel INFO", "Subsystem sftp internal-sftp",
    ]  # fmt: skip
    if penalties:  # OpenSSH 9.8+ would otherwise shut 127.0.0.1 out after the tests' deliberate failures
        lines.append("PerSourcePenalties no")
    config = base / "sshd_config"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def checked_config(base: Path, port: int, host_key: Path) -> Path:
    """A config ``sshd -t`` accepts: drop options this sshd is too old for; as root, create the privilege
    separation folder (/run/sshd) that the system service would have made."""
    assert SSHD is not None
    penalties = True
    for _ in range(3):
        config = sshd_config(base, port, host_key, penalties)
        test = subprocess.run([SSHD, "-t", "-f", str(config)], capture_output=True, text=True)
        if test.returncode == 0:
            return config
        if "PerSourcePenalties" in test.stderr:
            penalties = False
        elif "privilege separation directory" in test.stderr and os.geteuid() == 0:
            os.makedirs(test.stderr.strip().rsplit(": ", 1)[-1], mode=0o755, exist_ok=True)
        else:
            break
    pytest.skip(f"sshd rejects the test config: {test.stderr.strip()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if SSHD is None or shutil.which("ssh-keygen") is None:
        pytest.skip(SKIP)
    base = tmp_path_factory.mktemp("sshd")
    host_key, key, other = keygen(base / "host_key"), keygen(base / "user_key"), keygen(base / "other_key")
    shutil.copy(key.with_suffix(".pub"), base / "authorized_keys")
    port = free_port()
    config = checked_config(base, port, host_key)
    host_key_line = " ".join(host_key.with_suffix(".pub").read_text().split()[:2])
    known_hosts = base / "known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{port} {host_key_line}\n", encoding="utf-8")
    log = (base / "sshd.log").open("wb")
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 10
        while True:
            if process.poll() is not None:
                pytest.fail(f"sshd exited: {(base / 'sshd.log').read_text(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("sshd did not start listening within 10 s")
                time.sleep(0.02)
        found = Server(port, getpass.getuser(), key, other, host_key_line, known_hosts, base)
        can_log_in(found, base / "sshd.log")
        yield found
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def can_log_in(server: Server, log: Path) -> None:
    """Skip when sshd will not let the current user in at all: without PAM it refuses a locked account (a
    password field of "!…", as for system users), whatever the key."""
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        client.connect(
            "127.0.0.1", server.port, username=server.user, key_filename=str(server.key), timeout=5,
            allow_agent=False, look_for_keys=False,
        )  # fmt: skip
    except paramiko.AuthenticationException:
        lines = log.read_text(errors="replace").splitlines()
        reasons = [line for line in lines if any(w in line for w in ("not allowed", "Could not", "refused"))]
        pytest.skip(f"sshd will not let {server.user} log in: {'; '.join(reasons) or 'authentication failed'}")
    finally:
        client.close()


@pytest.fixture
def remote(server: Server, tmp_path: Path) -> Path:
    """An empty folder the server writes into (the same machine: the test reads it directly)."""
    folder = server.base / f"remote-{tmp_path.name}"
    folder.mkdir()
    return folder


def feed(tmp_path: Path, name: str, size: int = 200_000) -> Path:
    path = tmp_path / name
    path.write_bytes(random.Random(name).randbytes(size))  # bigger than one SFTP packet
    return path


# --- uploads ------------------------------------------------------------------------------------------------------


def test_a_single_file_arrives_whole_at_the_remote_path(server: Server, remote: Path, tmp_path: Path) -> None:
    local = feed(tmp_path, "google.xml")
    done = send_files([local], server.section(str(remote / "google.xml")), (PASSWORD,))
    assert (remote / "google.xml").read_bytes() == local.read_bytes()
    assert sorted(os.listdir(remote)) == ["google.xml"]  # no temporary file left
    assert done == f"sftp {server.user}@127.0.0.1 port {server.port}:{remote / 'google.xml'}"


def test_several_files_go_to_their_own_names_with_file(server: Server, remote: Path, tmp_path: Path) -> None:
    files = [feed(tmp_path, "meta.csv"), feed(tmp_path, "meta.variants.csv", 1000)]
    done = send_files(files, server.section(f"{remote}/{{file}}"), ())
    assert sorted(os.listdir(remote)) == ["meta.csv", "meta.variants.csv"]
    for local in files:
        assert (remote / local.name).read_bytes() == local.read_bytes()
    assert f"{remote}/meta.csv, {remote}/meta.variants.csv" in done


def test_several_files_without_file_in_the_path_are_refused(server: Server, tmp_path: Path) -> None:
    files = [feed(tmp_path, "a.csv", 10), feed(tmp_path, "b.csv", 10)]
    with pytest.raises(ChansyncError, match=r"\{file\}"):
        send_files(files, server.section("/feeds/meta.csv"), ())


def test_an_existing_file_is_replaced_atomically(server: Server, remote: Path, tmp_path: Path) -> None:
    target = remote / "google.xml"
    target.write_bytes(b"old feed " * 1000)
    target.chmod(0o640)
    before = target.stat().st_ino
    with target.open("rb") as reader:  # a fetcher in the middle of reading the old feed
        send_files([feed(tmp_path, "google.xml")], server.section(str(target)), ())
        assert reader.read() == b"old feed " * 1000  # still the whole old file: it was renamed over, not rewritten
    assert target.read_bytes() == (tmp_path / "google.xml").read_bytes()
    assert target.stat().st_ino != before
    assert target.stat().st_mode & 0o777 == 0o640  # the replaced file's mode is kept
    assert sorted(os.listdir(remote)) == ["google.xml"]


def test_without_posix_rename_the_old_file_is_removed_then_renamed(
    server: Server, remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsupported(self: paramiko.SFTPClient, old: str, new: str) -> None:
        raise OSError("Operation unsupported")  # what paramiko raises for SSH_FX_OP_UNSUPPORTED

    monkeypatch.setattr(paramiko.SFTPClient, "posix_rename", unsupported)
    (remote / "google.xml").write_bytes(b"old")
    send_files([feed(tmp_path, "google.xml")], server.section(str(remote / "google.xml")), ())
    assert (remote / "google.xml").read_bytes() == (tmp_path / "google.xml").read_bytes()
    assert sorted(os.listdir(remote)) == ["google.xml"]


def test_a_failed_upload_leaves_no_temporary_file(server: Server, remote: Path, tmp_path: Path) -> None:
    (remote / "google.xml").mkdir()  # the target is a folder: the rename fails after the upload
    with pytest.raises(TransportError) as caught:
        send_files([feed(tmp_path, "google.xml")], server.section(str(remote / "google.xml")), ())
    assert not caught.value.retriable
    assert sorted(os.listdir(remote)) == ["google.xml"] and not os.listdir(remote / "google.xml")


def test_a_missing_remote_folder_is_not_retried(server: Server, remote: Path, tmp_path: Path) -> None:
    waits: list[float] = []
    section = server.section(str(remote / "nope/google.xml"))
    with pytest.raises(TransportError, match=r"nope/google\.xml") as caught:
        send_files([feed(tmp_path, "google.xml")], section, (), sleep=waits.append)
    assert not caught.value.retriable and waits == []


# --- authentication and host keys -----------------------------------------------------------------------------------


def test_a_wrong_key_is_refused_and_not_retried(server: Server, remote: Path, tmp_path: Path) -> None:
    waits: list[float] = []
    section = server.section(str(remote / "google.xml"), key_file=str(server.other_key))
    with pytest.raises(TransportError) as caught:
        send_files([feed(tmp_path, "google.xml")], section, (PASSWORD,), sleep=waits.append)
    assert not caught.value.retriable and waits == []
    assert "refused the login" in caught.value.message and PASSWORD not in caught.value.message
    assert os.listdir(remote) == []


def test_a_wrong_password_is_refused_and_never_shown(server: Server, remote: Path, tmp_path: Path) -> None:
    section = server.section(str(remote / "google.xml"), key_file=None, password=PASSWORD)
    with pytest.raises(TransportError) as caught:
        send_files([feed(tmp_path, "google.xml")], section, (PASSWORD,))
    assert not caught.value.retriable
    assert PASSWORD not in caught.value.message and PASSWORD not in str(caught.value)


def test_the_password_unlocks_an_encrypted_key(server: Server, remote: Path, tmp_path: Path) -> None:
    key = keygen(tmp_path / "locked_key", PASSWORD)
    with (server.base / "authorized_keys").open("a", encoding="utf-8") as keys:
        keys.write(key.with_suffix(".pub").read_text())
    section = server.section(str(remote / "google.xml"), key_file=str(key), password=PASSWORD)
    assert PASSWORD not in send_files([feed(tmp_path, "google.xml")], section, (PASSWORD,))
    assert (remote / "google.xml").exists()
    with pytest.raises(TransportError, match="encrypted") as caught:  # no password: said plainly, not retried
        send_files([feed(tmp_path, "google.xml")], server.section("/tmp/g.xml", key_file=str(key)), ())
    assert not caught.value.retriable


def test_a_missing_key_file_fails_before_connecting(server: Server, tmp_path: Path) -> None:
    waits: list[float] = []
    section = server.section("/tmp/x.xml", key_file=str(tmp_path / "no_such_key"))
    with pytest.raises(TransportError, match="no_such_key") as caught:
        send_files([feed(tmp_path, "x.xml", 10)], section, (), sleep=waits.append)
    assert not caught.value.retriable and waits == []


def test_an_unknown_host_is_refused_when_known_hosts_is_given(server: Server, remote: Path, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    known.write_text(f"[127.0.0.1]:{server.port + 1} {server.host_key_line}\n", encoding="utf-8")  # another host
    with pytest.raises(TransportError, match="not in known_hosts") as caught:
        send_files([feed(tmp_path, "google.xml")], server.section(str(remote / "g.xml"), known_hosts=str(known)), ())
    assert not caught.value.retriable and "ssh-keyscan" in caught.value.message
    assert os.listdir(remote) == []


def test_a_changed_host_key_is_refused(server: Server, remote: Path, tmp_path: Path) -> None:
    other = " ".join(server.other_key.with_suffix(".pub").read_text().split()[:2])
    known = tmp_path / "known_hosts"
    known.write_text(f"[127.0.0.1]:{server.port} {other}\n", encoding="utf-8")
    with pytest.raises(TransportError, match="differs from known_hosts") as caught:
        send_files([feed(tmp_path, "google.xml")], server.section(str(remote / "g.xml"), known_hosts=str(known)), ())
    assert not caught.value.retriable and os.listdir(remote) == []


def test_without_known_hosts_the_users_file_is_used(
    server: Server, remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    section = server.section(str(remote / "google.xml"), known_hosts=None)
    done = send_files([feed(tmp_path, "google.xml")], section, ())  # no ~/.ssh/known_hosts: accepted, and said so
    assert "host key not verified" in done and (remote / "google.xml").exists()
    user_file = tmp_path / "home/.ssh/known_hosts"
    user_file.parent.mkdir(parents=True)
    user_file.write_text("example.com " + server.host_key_line + "\n", encoding="utf-8")
    with pytest.raises(TransportError, match="not in known_hosts"):  # the user's file does not list this host
        send_files([feed(tmp_path, "google.xml")], section, ())
    user_file.write_text(server.known_hosts.read_text(), encoding="utf-8")
    assert "not verified" not in send_files([feed(tmp_path, "google.xml")], section, ())
    assert user_file.read_text() == server.known_hosts.read_text()  # never written to


# --- connection errors ----------------------------------------------------------------------------------------------


def test_a_server_that_is_down_is_retried_then_reported_retriable(server: Server, tmp_path: Path) -> None:
    waits: list[float] = []
    section = server.section("/tmp/google.xml", port=free_port(), retries=3, backoff=0.01)
    with pytest.raises(TransportError, match="after 4 attempts") as caught:
        send_files([feed(tmp_path, "google.xml", 10)], section, (PASSWORD,), sleep=waits.append)
    assert caught.value.retriable and PASSWORD not in caught.value.message
    assert len(waits) == 3
    for attempt, wait in enumerate(waits):  # exponential backoff with jitter
        assert 0.005 * 2**attempt <= wait <= 0.01 * 2**attempt


def test_a_server_that_hangs_up_during_the_handshake_is_retried(server: Server, tmp_path: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    connections: list[int] = []
    stop = threading.Event()

    def hang_up() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            connections.append(1)
            conn.close()

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    try:
        section = server.section("/tmp/google.xml", port=listener.getsockname()[1], retries=2, timeout=2.0)
        with pytest.raises(TransportError, match="after 3 attempts") as caught:
            send_files([feed(tmp_path, "google.xml", 10)], section, (), sleep=lambda _: None)
    finally:
        stop.set()
        thread.join(2)
        listener.close()
    assert caught.value.retriable and len(connections) == 3
