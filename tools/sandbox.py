"""Run untrusted programs (candidates, and the tools that touch them) in bubblewrap.

Why each piece is here:
- bwrap with `--unshare-all --clearenv --die-with-parent --new-session`: no
  network, no view of other processes, no API keys, nothing left behind.
- The sandbox sees only read-only system folders, the files handed to it by
  file descriptor (`--ro-bind-data`), and an empty size-limited tmpfs: no test
  files, expected outputs or host paths are mounted; input comes on stdin.
- As root, each sandbox starts under an unprivileged uid of its own, taken
  from a pool (`uid_slot`): RLIMIT_NPROC means nothing to root, even inside a
  user namespace, and it counts every process of a uid, so sandboxes running
  side by side must not share one budget. Separate uids also keep concurrent
  candidates from signalling one another.
- rlimits bound CPU, memory, file size and open files; a wall-clock timeout
  kills the whole process tree; output is read up to a cap, then killed.

`Sandbox.run` is for one-shot commands (assembling, profiling); `Session`
speaks to the trusted runner (`runner.c`) that forks many runs inside one
sandbox, for tests and timing.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from tools import interrupt
from tools.errors import BadInput
from tools.paths import cache_dir
from tools.quiet import untimed
from tools.task import Limits

UID_BASE = 1_500_000_000  # far above any real user's uid
UID_SLOTS = 64
INSIDE = "/sb"
# The sandbox's launcher (bwrap's own init process stays visible inside as pid 1,
# with its /proc/1/environ) gets no more environment than the program does.
CLEAN_ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}
SYSTEM_DIRS = ("/usr", "/etc/alternatives", "/etc/ld.so.cache")
RUNNER_SOURCE = Path(__file__).with_name("runner.c")


class SandboxError(RuntimeError):
    """The sandbox itself failed (not the program in it)."""


@dataclass(frozen=True)
class Completed:
    """What a one-shot sandboxed command did."""

    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool
    truncated: bool


@dataclass(frozen=True)
class RunResult:
    """One run of a binary inside a runner session (times in microseconds)."""

    index: int
    exit_code: int  # -1 when killed by a signal
    signal: int
    timed_out: bool
    user_us: int
    sys_us: int
    wall_us: int
    cycles: int  # -1 when the machine has no hardware counter
    out_len: int
    out_truncated: bool
    out_hash: str  # of stdout and of the output files (their names, presence and content)
    stdout: bytes
    stderr: bytes
    # The output files asked for (Session.set_outputs), when stdout was sent:
    # (name, content, or None when the program left no such regular file).
    files: tuple[tuple[str, bytes | None], ...] = ()

    @property
    def cpu_us(self) -> int:
        return self.user_us + self.sys_us

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out and not self.out_truncated


def runner_binary() -> Path:
    """Build the trusted runner from our own C source once, keyed by its hash."""
    source = RUNNER_SOURCE.read_bytes()
    digest = hashlib.sha256(source).hexdigest()[:16]
    path = cache_dir() / f"runner-{digest}"
    if not path.exists():
        tmp = path.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")  # threads race too
        proc = subprocess.run(
            ["gcc", "-O2", "-o", str(tmp), str(RUNNER_SOURCE)], capture_output=True, text=True
        )
        if proc.returncode != 0:
            raise SandboxError(f"cannot build the timing runner: {proc.stderr.strip()}")
        tmp.replace(path)
    return path


@contextlib.contextmanager
def uid_slot():
    """Hold one uid of the pool for the life of a sandbox (file locks, so
    separate processes of ours never share one)."""
    folder = cache_dir() / "uids"
    folder.mkdir(exist_ok=True)
    # A slot whose last sandbox is still exiting (a killed ASan run unmapping
    # its shadow memory takes a while) still has its processes counted against
    # RLIMIT_NPROC, and the next sandbox there could fail to fork: prefer a
    # quiet slot, take a busy one only when every free slot is busy.
    busy = _live_uids()
    order = sorted(range(UID_SLOTS), key=lambda slot: UID_BASE + slot in busy)
    for slot in order:
        lock = open(folder / f"{slot}.lock", "w")  # noqa: SIM115 - held until released
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        try:
            yield UID_BASE + slot
        finally:
            lock.close()
        return
    raise SandboxError(f"all {UID_SLOTS} sandbox uids are in use")


def _live_uids() -> set[int]:
    """The uids that own a process on this machine now."""
    return {_owner(p) for p in Path("/proc").iterdir() if p.name.isdigit()}


@functools.cache
def _runner_bytes() -> bytes:
    """The runner, built and read once per process (every sandbox launch needs it)."""
    return runner_binary().read_bytes()


def _memfd(name: str, data: bytes) -> int:
    fd = os.memfd_create(name, 0)
    _write_all(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class Sandbox:
    """A policy for running untrusted code: bwrap (the default) or none (opt-out)."""

    def __init__(self, limits: Limits | None = None, mode: str = "bwrap", warn=None):
        if mode not in ("bwrap", "none"):
            raise BadInput(f"unknown sandbox mode {mode!r} (use bwrap or none)")
        self.limits = limits or Limits()
        self.mode = mode
        self._warn = warn or (lambda msg: print(msg, file=sys.stderr))
        if mode == "bwrap" and not shutil.which("bwrap"):
            raise BadInput(
                "bubblewrap (bwrap) is not installed: install it (apt-get install bubblewrap) "
                "or pass --sandbox none to run candidates unconfined"
            )

    def with_limits(self, limits: Limits) -> Sandbox:
        return Sandbox(limits, self.mode, self._warn)

    # -- command lines -------------------------------------------------------

    def _prefix(
        self,
        files: dict[str, tuple[bytes, int]],
        fds: list[int],
        uid: int,
        runner: bool = False,
        room: int = 0,
    ) -> tuple[list, str]:
        """The argv prefix that confines a command, and the folder where its files
        are. `room`: bytes of /tmp on top of the limit (input files written there)."""
        lim = self.limits
        if self.mode == "none":
            _warn_once(self._warn)
            import tempfile

            root = tempfile.mkdtemp(prefix="asm-superopt-")
            for name, (data, mode) in files.items():
                path = Path(root, name)
                path.parent.mkdir(parents=True, exist_ok=True)  # "files/sub/x.txt"
                path.write_bytes(data)
                path.chmod(mode)
            return self._prlimit(with_nproc=False, runner=runner), root
        cmd: list[str] = []
        if os.geteuid() == 0:
            cmd += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
        cmd += self._prlimit(with_nproc=True, runner=runner)
        cmd += [
            "bwrap",
            "--unshare-all",
            "--die-with-parent",
            "--new-session",
            "--clearenv",
            "--setenv",
            "PATH",
            "/usr/bin:/bin",
            "--setenv",
            "LC_ALL",
            "C",
        ]
        for path in SYSTEM_DIRS:
            if os.path.exists(path):
                cmd += ["--ro-bind", path, path]
        cmd += ["--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64"]
        cmd += ["--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin"]
        cmd += ["--proc", "/proc", "--dev", "/dev"]
        cmd += ["--size", str((lim.file_mb << 20) + room), "--tmpfs", "/tmp"]
        for name, (data, mode) in files.items():
            fd = _memfd(name, data)
            fds.append(fd)
            cmd += ["--perms", f"{mode:o}", "--ro-bind-data", str(fd), f"{INSIDE}/{name}"]
        # bwrap's root is a tmpfs the sandbox's uid may write (outside the size
        # limit of /tmp, and never emptied by the runner): a program could keep
        # an answer there for its next timed run. Only /tmp stays writable.
        cmd += ["--remount-ro", "/"]
        if runner:
            # The runner becomes the namespace's init: signals from inside
            # (even kill(-1, SIGKILL)) cannot reach it, and orphans come to it.
            cmd.append("--as-pid-1")
        cmd += ["--chdir", "/tmp"]
        return cmd, INSIDE

    def _prlimit(self, with_nproc: bool, runner: bool) -> list[str]:
        """rlimits for the whole sandbox. The runner holds each test's input in a
        memfd (which counts against RLIMIT_FSIZE) and sets the per-run limits on
        its children itself, so a runner session gets only the process limit."""
        lim = self.limits
        cmd = ["prlimit", "--core=0"]
        if not runner:
            cmd += [
                f"--cpu={lim.cpu_s}",
                f"--as={max(lim.memory_mb, 1024) << 20}",
                f"--fsize={lim.file_mb << 20}",
                "--nofile=64",
            ]
        if with_nproc:
            cmd.append(f"--nproc={self._nproc()}")
        return [*cmd, "--"]

    def _nproc(self) -> int:
        """RLIMIT_NPROC counts every process of the uid, so a non-root user's own
        processes must fit under it too."""
        if os.geteuid() == 0:
            return self.limits.processes
        mine = sum(
            1 for p in Path("/proc").iterdir() if p.name.isdigit() and _owner(p) == os.geteuid()
        )
        return self.limits.processes + mine

    # -- one-shot commands ---------------------------------------------------

    def run(
        self,
        argv: list[str],
        files: dict[str, tuple[bytes, int]] | None = None,
        stdin: bytes = b"",
        timeout: float | None = None,
        out_cap: int | None = None,
        room: int = 0,
    ) -> Completed:
        """Run `argv` confined; `{sb}` in argv names the folder holding `files`
        (for `room` see `_prefix`)."""
        with contextlib.ExitStack() as stack:
            fds: list[int] = []
            uid = stack.enter_context(uid_slot()) if self.mode == "bwrap" else -1
            stack.callback(lambda: [os.close(fd) for fd in fds])
            prefix, root = self._prefix(files or {}, fds, uid, room=room)
            if self.mode == "none":
                stack.callback(shutil.rmtree, root, ignore_errors=True)
            full = prefix + [a.replace("{sb}", root) for a in argv]
            with untimed():
                return _communicate(
                    full,
                    stdin,
                    fds,
                    timeout if timeout is not None else self.limits.timeout_s,
                    out_cap if out_cap is not None else self.limits.output_mb << 20,
                )

    def session(self, binaries: list[bytes], cpu: int | None = None, room: int = 0) -> Session:
        """A runner session that can run each of `binaries` many times; `room`:
        bytes of input files its runs will be given (see `Session.set_test`)."""
        return Session(self, binaries, cpu, room)


_warned = threading.Event()


def _warn_once(warn) -> None:
    """Say it once per command (each use of the tool), not once per program run."""
    if not _warned.is_set():
        _warned.set()
        warn("warning: --sandbox none: untrusted code runs unconfined on this machine")


def _owner(path: Path) -> int:
    try:
        return path.stat().st_uid
    except OSError:
        return -1


def _communicate(
    argv: list[str],
    stdin: bytes,
    fds: list[int],
    timeout: float,
    out_cap: int,
) -> Completed:
    """Popen with a wall-clock timeout that kills the process group and capped reads."""
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=fds,
        start_new_session=True,
        env=CLEAN_ENV,
    )
    with interrupt.tracked(proc):
        return _collect(proc, stdin, timeout, out_cap)


def _collect(proc: subprocess.Popen, stdin: bytes, timeout: float, out_cap: int) -> Completed:
    out, err = bytearray(), bytearray()
    truncated = threading.Event()

    def pump(stream, buf: bytearray, cap: int) -> None:
        while chunk := stream.read1(1 << 16):
            if len(buf) + len(chunk) > cap:
                buf += chunk[: cap - len(buf)]
                truncated.set()
                _kill(proc)
                break
            buf += chunk
        stream.close()

    def feed() -> None:
        try:
            proc.stdin.write(stdin)
        except (BrokenPipeError, OSError):
            pass
        finally:
            with contextlib.suppress(OSError):
                proc.stdin.close()

    threads = [
        threading.Thread(target=pump, args=(proc.stdout, out, out_cap), daemon=True),
        threading.Thread(target=pump, args=(proc.stderr, err, 1 << 20), daemon=True),
        threading.Thread(target=feed, daemon=True),
    ]
    for t in threads:
        t.start()
    timed_out = False
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill(proc)
        proc.wait()
    for t in threads:
        t.join(5)
    interrupt.check()  # killed by a Ctrl-C: not the program's own outcome
    return Completed(proc.returncode, bytes(out), bytes(err), timed_out, truncated.is_set())


_kill = interrupt.kill


def _parse_files(names: tuple[str, ...], data: bytes) -> tuple[tuple[str, bytes | None], ...]:
    """The runner's files section: for each name, "<status> <len>\\n" and the bytes."""
    if not data:
        return ()
    out, pos = [], 0
    for name in names:
        end = data.index(b"\n", pos)
        status, size = (int(x) for x in data[pos:end].split())
        content = data[end + 1 : end + 1 + size]
        pos = end + 1 + size
        out.append((name, content if status == 1 else None))
    return tuple(out)


class Session:
    """A conversation with the trusted runner inside one sandbox (see runner.c)."""

    def __init__(self, sandbox: Sandbox, binaries: list[bytes], cpu: int | None, room: int = 0):
        self.sandbox = sandbox
        lim = sandbox.limits
        files = {"runner": (_runner_bytes(), 0o555)}
        for i, data in enumerate(binaries):
            files[f"prog{i}"] = (data, 0o555)
        self._fds: list[int] = []
        self._cleanup = contextlib.ExitStack()
        uid = self._cleanup.enter_context(uid_slot()) if sandbox.mode == "bwrap" else -1
        prefix, root = sandbox._prefix(files, self._fds, uid, runner=True, room=room)
        self._root = root
        # The programs' working directory: /tmp in the sandbox (emptied after
        # every run), a folder of the session's own without one.
        workdir = "/tmp" if sandbox.mode == "bwrap" else f"{root}/work"
        if sandbox.mode == "none":
            os.mkdir(workdir, 0o700)
        self._outputs: tuple[str, ...] = ()
        self._sent: dict[str, bytes] = {}
        args = [
            f"{root}/runner",
            "--cpu-s",
            str(lim.cpu_s),
            "--as",
            str(lim.memory_mb << 20),
            "--fsize",
            str(lim.file_mb << 20),
            "--nofile",
            "64",
            "--nproc",
            str(lim.processes),
            "--timeout-ms",
            str(int(lim.timeout_s * 1000)),
            "--out-cap",
            str(lim.output_mb << 20),
            "--sandboxed",
            "1" if sandbox.mode == "bwrap" else "0",
            "--workdir",
            workdir,
        ]
        if cpu is not None:
            args += ["--cpu", str(cpu)]
        args += [f"{root}/prog{i}" for i in range(len(binaries))]
        self._proc = subprocess.Popen(
            prefix + args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=self._fds,
            start_new_session=True,
            env=CLEAN_ENV,
        )
        try:  # untracked when the session closes (its ExitStack)
            self._cleanup.enter_context(interrupt.tracked(self._proc))
        except interrupt.Interrupted:
            for fd in self._fds:
                os.close(fd)
            self._cleanup.close()
            raise
        self._stderr = bytearray()
        self._err_thread = threading.Thread(target=self._drain_stderr, daemon=True)
        self._err_thread.start()
        self._timer: threading.Timer | None = None

    def _drain_stderr(self) -> None:
        while chunk := self._proc.stderr.read1(1 << 16):
            if len(self._stderr) < (1 << 16):
                self._stderr += chunk

    def set_input(self, data: bytes) -> None:
        self._send(b"INPUT %d\n" % len(data) + data)

    def set_args(self, args: tuple[str, ...] | list[str]) -> None:
        """argv[1:] of the following runs."""
        self._set("ARGS", b"".join(a.encode("utf-8", "surrogateescape") + b"\0" for a in args))

    def set_files(self, files: tuple[tuple[str, bytes], ...]) -> None:
        """Input files written read-only into the working directory before each
        of the following runs: (relative path, content)."""
        blob = b"".join(
            name.encode("utf-8", "surrogateescape") + b"\0%d\0" % len(data) + data
            for name, data in files
        )
        self._set("FILES", blob)

    def set_outputs(self, names: tuple[str, ...]) -> None:
        """Files read back from the working directory after each following run
        (in `RunResult.files` when the output is sent; always in its hash)."""
        self._outputs = tuple(names)
        self._set("OUTPUTS", b"".join(n.encode("utf-8", "surrogateescape") + b"\0" for n in names))

    def set_test(self, test, outputs: tuple[str, ...] = ()) -> None:
        """Everything a test gives its runs: stdin, arguments, input files, and
        the output files to read back (a `tools.task.TestCase`)."""
        self.set_input(test.input)
        self.set_args(test.args)
        self.set_files(test.files)
        self.set_outputs(outputs)

    def _set(self, what: str, blob: bytes) -> None:
        """Send a setting only when it changed (the runner keeps it)."""
        if self._sent.get(what, b"") != blob:
            self._send(b"%s %d\n" % (what.encode(), len(blob)) + blob)
            self._sent[what] = blob

    def run(self, index: int, send_output: bool = True) -> RunResult:
        """Run binary `index` once on the current input (waiting out another
        thread's or process's timing job; see tools.quiet)."""
        # The runner enforces the per-run deadline; this one guards the runner.
        watchdog = threading.Timer(self.sandbox.limits.timeout_s + 30, lambda: _kill(self._proc))
        try:
            with untimed():
                self._send(b"RUN %d %d\n" % (index, 1 if send_output else 0))
                watchdog.start()
                head = self._proc.stdout.readline()
                if not head.startswith(b"R "):
                    raise SandboxError(self._failure("runner gave no result"))
                f = head.split()
                sent, err_len, files_len = int(f[13]), int(f[12]), int(f[14])
                stdout = self._read_exact(sent)
                stderr = self._read_exact(err_len)
                files = _parse_files(self._outputs, self._read_exact(files_len))
        finally:
            watchdog.cancel()
        return RunResult(
            index=int(f[1]),
            exit_code=int(f[2]),
            signal=int(f[3]),
            timed_out=f[4] == b"1",
            user_us=int(f[5]),
            sys_us=int(f[6]),
            wall_us=int(f[7]),
            cycles=int(f[8]),
            out_len=int(f[9]),
            out_truncated=f[10] == b"1",
            out_hash=f[11].decode(),
            stdout=stdout,
            stderr=stderr,
            files=files,
        )

    def _read_exact(self, n: int) -> bytes:
        data = self._proc.stdout.read(n) if n else b""
        if len(data) != n:
            raise SandboxError(self._failure("runner output cut short"))
        return data

    def _send(self, data: bytes) -> None:
        try:
            self._proc.stdin.write(data)
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise SandboxError(self._failure("runner is gone")) from exc

    def _failure(self, what: str) -> str:
        interrupt.check()  # the runner was killed by a Ctrl-C, not by its program
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(2)
        detail = bytes(self._stderr).decode("utf-8", "replace").strip()
        return f"{what} (exit {self._proc.returncode}){': ' + detail if detail else ''}"

    def close(self) -> None:
        try:
            if self._proc.poll() is None:
                self._proc.stdin.write(b"QUIT\n")
                self._proc.stdin.flush()
                self._proc.stdin.close()
                self._proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        _kill(self._proc)
        self._proc.wait()
        for fd in self._fds:
            os.close(fd)
        self._fds.clear()
        if self.sandbox.mode == "none":
            shutil.rmtree(self._root, ignore_errors=True)
        self._cleanup.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
