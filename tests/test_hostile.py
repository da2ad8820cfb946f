"""Hostile candidates are contained: one test each.

Each program is C compiled to assembly on the host (trusted: it is ours), then
assembled, linked and run only through the sandbox, as a candidate would be.
After each: nothing written outside the sandbox, no process left behind, and
the harness still answers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import needs_sandbox
from tools import quiet
from tools import sandbox as sandboxlib
from tools.build import build
from tools.paths import cache_dir
from tools.sandbox import UID_BASE, Sandbox
from tools.task import Limits

pytestmark = needs_sandbox

LIMITS = Limits(timeout_s=3.0, cpu_s=3, memory_mb=512, output_mb=4, file_mb=8, processes=16)
# For a test whose failure would be "ran until the timeout": with 60 s to run,
# a bound of SLACK seconds tells the two apart on a loaded or slow machine.
LONG = dataclasses.replace(LIMITS, timeout_s=60.0)
# Seconds a run may take beyond what it must (sandbox start and teardown on a
# loaded machine); far below the harness's watchdog (timeout + 30 s).
SLACK = 12.0
HELLO = '#include <stdio.h>\nint main(void){puts("alive");return 0;}\n'


def compile_c(source: str, tmp_path: Path) -> str:
    c = tmp_path / "h.c"
    c.write_text(source)
    return subprocess.run(
        ["gcc", "-O1", "-S", "-o", "-", str(c)], check=True, capture_output=True, text=True
    ).stdout


def run_hostile(source: str, tmp_path: Path, stdin: bytes = b"", limits: Limits = LIMITS):
    """Build and run `source` once in a sandbox: (result, seconds the session
    took, not counting a wait for another process's timing job; tools.quiet)."""
    sandbox = Sandbox(limits)
    built = build(compile_c(source, tmp_path), sandbox)
    assert built.ok, built.errors
    start, queued = time.monotonic(), quiet.waited()
    with sandbox.session([built.binary]) as session:
        session.set_input(stdin)
        result = session.run(0)
    return result, time.monotonic() - start - (quiet.waited() - queued)


def leftover_processes(uid: int) -> list[str]:
    """Live processes of one sandbox uid (zombies that a non-reaping host init
    keeps in the table are not running and hold nothing)."""
    out = subprocess.run(["ps", "-e", "-o", "uid=,stat=,args="], capture_output=True, text=True)
    return [
        line
        for line in out.stdout.splitlines()
        if int(line.split()[0]) == uid and line.split()[1][0] != "Z"
    ]


@contextlib.contextmanager
def holding_uid(uid: int):
    """Hold a sandbox uid's slot (the lock `tools.sandbox.uid_slot` takes), so
    that no sandbox of another process (another test suite on this machine)
    runs under it while we look for what ours left behind. A uid that stays in
    use is pytest-timeout's to report."""
    with open(cache_dir() / "uids" / f"{uid - UID_BASE}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(autouse=True)
def contained(tmp_path, monkeypatch):
    """After each test: no process of the sandboxes it used survives and the
    harness answers."""
    sentinel = Path("/tmp") / f"hostile-{os.getpid()}"
    used: set[int] = set()
    slot = sandboxlib.uid_slot

    @contextlib.contextmanager
    def recorded():
        with slot() as uid:
            used.add(uid)
            yield uid

    monkeypatch.setattr(sandboxlib, "uid_slot", recorded)
    yield
    for uid in sorted(used):
        with holding_uid(uid):
            deadline = time.monotonic() + 30  # a kill on a loaded machine; a survivor stays
            while leftover_processes(uid) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert leftover_processes(uid) == []
    assert not sentinel.exists()
    result, _ = run_hostile(HELLO, tmp_path)
    assert result.stdout == b"alive\n" and result.ok


def test_fork_bomb_is_bounded(tmp_path):
    _result, elapsed = run_hostile(
        "#include <unistd.h>\n#include <stdio.h>\n"
        "int main(void){int n=0; for(int i=0;i<100000;i++) if(fork()==0) n++; else n++;"
        'printf("%d\\n", n); return 0;}\n',
        tmp_path,
    )
    assert elapsed < LIMITS.timeout_s + SLACK  # stopped at the timeout: the bomb runs on and on


def test_fork_bomb_hits_process_limit(tmp_path):
    result, _ = run_hostile(
        "#include <unistd.h>\n#include <stdio.h>\n"
        "int main(void){int ok=0; for(int i=0;i<200;i++){pid_t p=fork(); if(p==0){pause();}"
        ' if(p>0) ok++;} printf("%d\\n", ok); return 0;}\n',
        tmp_path,
    )
    assert int(result.stdout) < LIMITS.processes


def test_infinite_loop_times_out(tmp_path):
    result, elapsed = run_hostile("int main(void){volatile int x=0; for(;;) x++;}\n", tmp_path)
    assert result.timed_out or result.signal  # wall deadline or RLIMIT_CPU
    assert elapsed < LIMITS.timeout_s + SLACK  # the loop would never end


def test_sleeping_past_the_timeout_is_killed(tmp_path):
    result, elapsed = run_hostile(
        "#include <unistd.h>\nint main(void){sleep(100); return 0;}\n", tmp_path
    )
    assert result.timed_out
    assert elapsed < LIMITS.timeout_s + SLACK  # the sleep would take 100 s


def test_a_gigabyte_of_stdout_is_cut(tmp_path):
    """Killed at the cap: after its gigabyte the program would wait out the
    60 s timeout."""
    result, elapsed = run_hostile(
        "#include <stdio.h>\n#include <string.h>\n#include <unistd.h>\n"
        "int main(void){static char b[1<<20]; memset(b,'x',sizeof b);"
        "for(int i=0;i<1024;i++) fwrite(b,1,sizeof b,stdout); fflush(stdout); sleep(100);"
        "return 0;}\n",
        tmp_path,
        limits=LONG,
    )
    assert result.out_truncated and not result.timed_out
    assert len(result.stdout) == LIMITS.output_mb << 20
    assert elapsed < SLACK


def test_allocating_64_gib_fails(tmp_path):
    result, _ = run_hostile(
        "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
        'int main(void){char *p = malloc(64UL<<30); if(!p){puts("refused");return 1;}'
        'memset(p, 1, 64UL<<30); puts("got it"); return 0;}\n',
        tmp_path,
    )
    assert result.stdout == b"refused\n"


def test_writes_outside_the_sandbox_do_not_land(tmp_path):
    task_dir = tmp_path / "task"
    task_dir.mkdir()
    targets = [
        f"/root/hostile-{os.getpid()}",
        f"/tmp/hostile-{os.getpid()}",
        str(task_dir / "pwned"),
        str(Path.home() / "pwned"),
    ]
    opens = "".join(
        f'f=fopen("{t}","w"); if(f){{fputs("x",f); fclose(f); puts("wrote {t}");}}' for t in targets
    )
    _result, _ = run_hostile(
        f"#include <stdio.h>\nint main(void){{FILE *f; {opens} return 0;}}\n", tmp_path
    )
    # Writing into the sandbox's own /tmp may succeed; none of it reaches the host.
    for t in targets:
        assert not Path(t).exists(), t
    assert list(task_dir.iterdir()) == []


def test_environment_and_parent_environ_are_invisible(tmp_path, monkeypatch):
    secret = "sk-fake-hostile-test-0123456789"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    source = (
        "#include <stdio.h>\n#include <stdlib.h>\nextern char **environ;\n"
        'int main(void){char buf[1<<16]; const char *k=getenv("OPENAI_API_KEY");'
        'printf("env=%s\\n", k?k:"(none)");'
        'for(char **e=environ;*e;e++) printf("%s\\n", *e);'
        f'FILE *f=fopen("/proc/{os.getpid()}/environ","r");'
        "if(f){size_t n=fread(buf,1,sizeof buf,f); fwrite(buf,1,n,stdout); fclose(f);}"
        'else puts("no parent environ");'
        'f=fopen("/proc/1/environ","r"); if(f){size_t n=fread(buf,1,sizeof buf,f);'
        "fwrite(buf,1,n,stdout); fclose(f);} return 0;}\n"
    )
    result, _ = run_hostile(source, tmp_path)
    assert b"env=(none)" in result.stdout
    assert secret.encode() not in result.stdout
    assert b"no parent environ" in result.stdout


def test_network_is_unreachable(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    source = (
        "#include <stdio.h>\n#include <string.h>\n#include <arpa/inet.h>\n"
        "#include <sys/socket.h>\n#include <unistd.h>\n"
        "int main(void){int s=socket(AF_INET,SOCK_STREAM,0); struct sockaddr_in a;"
        "memset(&a,0,sizeof a); a.sin_family=AF_INET;"
        f"a.sin_port=htons({port}); a.sin_addr.s_addr=htonl(0x7f000001);"
        'if(connect(s,(struct sockaddr*)&a,sizeof a)==0){write(s,"hi",2);puts("connected");}'
        'else puts("refused"); return 0;}\n'
    )
    try:
        result, _ = run_hostile(source, tmp_path)
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()
    assert result.stdout == b"refused\n"


def test_background_child_after_exit_is_killed(tmp_path):
    result, elapsed = run_hostile(
        "#include <unistd.h>\n#include <stdio.h>\n"
        "int main(void){if(fork()==0){close(1);close(2);setsid();sleep(100);_exit(0);}"
        'puts("parent done"); return 0;}\n',
        tmp_path,
        limits=LONG,
    )
    assert result.stdout == b"parent done\n"
    assert result.ok
    assert elapsed < SLACK  # returned at the parent's exit, not at the 60 s timeout


def test_background_child_holding_stdout_does_not_hang(tmp_path):
    result, elapsed = run_hostile(
        "#include <unistd.h>\n#include <stdio.h>\n"
        "int main(void){setvbuf(stdout,0,_IONBF,0); if(fork()==0){setsid();"
        'for(;;){sleep(1);puts("still here");}} puts("parent done"); return 0;}\n',
        tmp_path,
        limits=LONG,
    )
    assert result.stdout.startswith(b"parent done\n")
    assert not result.timed_out and elapsed < SLACK  # the child would hold it for 60 s


def test_exec_of_a_shell_stays_inside(tmp_path):
    result, _ = run_hostile(
        '#include <unistd.h>\nint main(void){char *a[]={"/bin/sh","-c",'
        '"echo shell; ls /root 2>&1; cat /etc/shadow 2>&1; '
        f'echo x > /tmp/hostile-{os.getpid()}; echo x > /root/hostile-{os.getpid()} 2>&1",0}};'
        "execv(a[0],a); return 9;}\n",
        tmp_path,
    )
    assert result.stdout.startswith(b"shell\n")
    assert b"root:" not in result.stdout  # no /etc/shadow, no /etc/passwd
    assert not Path(f"/root/hostile-{os.getpid()}").exists()


def test_kill_everything_does_not_reach_the_harness(tmp_path):
    result, _ = run_hostile(
        "#include <signal.h>\n#include <stdio.h>\n"
        'int main(void){puts("bye"); fflush(stdout); kill(-1, SIGKILL); return 0;}\n',
        tmp_path,
    )
    assert result.stdout == b"bye\n"  # the runner outlived the signal and reported


def test_incbin_is_rejected_and_cannot_read_host_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret\n")
    asm = compile_c(HELLO, tmp_path) + f'\t.section .rodata\n\t.incbin "{secret}"\n'
    built = build(asm, Sandbox(LIMITS))
    assert not built.ok
    assert "not allowed" in built.errors[0].message
    assert built.errors[0].line == asm.count("\n")
    # Even past the check, the assembler runs where the file does not exist.
    from tools.build import _assemble

    raw = _assemble(asm, Sandbox(LIMITS), (), "x")
    assert not raw.ok
    assert "file not found" in raw.errors[0].message  # not some unrelated failure


def test_include_cannot_echo_host_files(tmp_path):
    secret = tmp_path / "secret.s"
    secret.write_text("top secret line\n")
    asm = f'\t.include "{secret}"\n' + compile_c(HELLO, tmp_path)
    built = build(asm, Sandbox(LIMITS))
    assert not built.ok
    assert all("top secret" not in e.message for e in built.errors)


def test_runs_cannot_hand_results_to_later_runs(tmp_path):
    """A candidate could cache its answer in /tmp, /dev/shm or SysV shared memory
    on its first run and just print it when timed: every run starts empty."""
    source = (
        "#include <stdio.h>\n#include <sys/shm.h>\n"
        'int main(void){FILE *f=fopen("/tmp/cache","r");'
        'if(f){puts("cached");fclose(f);}else{f=fopen("/tmp/cache","w");if(f)fclose(f);'
        'puts("fresh");}'
        'f=fopen("/dev/shm/cache","r"); if(f){puts("cached-devshm");fclose(f);}'
        'else{f=fopen("/dev/shm/cache","w"); if(f)fclose(f); puts("fresh-devshm");}'
        'if(shmget(4242,4096,IPC_CREAT|IPC_EXCL|0600)<0) puts("cached-shm");'
        'else puts("fresh-shm"); return 0;}\n'
    )
    sandbox = Sandbox(LIMITS)
    built = build(compile_c(source, tmp_path), sandbox)
    with sandbox.session([built.binary]) as session:
        session.set_input(b"")
        outputs = [session.run(0).stdout for _ in range(3)]
    assert outputs == [b"fresh\nfresh-devshm\nfresh-shm\n"] * 3


@pytest.mark.skipif(os.geteuid() != 0, reason="sandbox uids are used only as root")
def test_a_slot_whose_processes_are_still_exiting_is_passed_over():
    """A uid that still owns processes (a killed sandbox still exiting) has them
    counted against RLIMIT_NPROC: the next sandbox must take another slot, or
    it may fail to fork."""
    with sandboxlib.uid_slot() as first:
        pass  # the first free slot now
    lingering = subprocess.Popen(
        ["setpriv", f"--reuid={first}", f"--regid={first}", "--clear-groups", "sleep", "60"]
    )
    try:
        deadline = time.monotonic() + 10
        while first not in sandboxlib._live_uids() and time.monotonic() < deadline:
            time.sleep(0.01)
        with sandboxlib.uid_slot() as uid:
            assert uid != first
    finally:
        lingering.kill()
        lingering.wait()
