/* runner: the trusted process inside the sandbox that runs candidate programs.
 *
 * Why it exists: bwrap's own rusage misses the sandboxed program's CPU time,
 * and starting a sandbox per timed run would add noise. The runner starts
 * once per sandbox session, becomes a child subreaper, and for each request
 * forks and execs one of the binaries it was given with stdin from a sealed
 * memfd, stdout and stderr captured up to caps, rlimits applied, and a wall
 * deadline. It reports the CPU time (user+sys of everything the run started,
 * from getrusage(RUSAGE_CHILDREN) deltas after reaping), the wall time, the
 * hardware cycle count when perf_event_open provides one, the exit status,
 * and a hash of stdout. Leftover processes are killed after every run, and
 * (in a sandbox) /tmp, /dev/shm and System V IPC are emptied, so no run can
 * hand results to the next.
 *
 * Usage: runner [--cpu N] [--cpu-s S] [--as BYTES] [--fsize BYTES]
 *               [--nofile N] [--nproc N] [--timeout-ms MS]
 *               [--out-cap BYTES] [--err-cap BYTES] [--sandboxed 1]
 *               [--workdir DIR] BIN...
 *
 * --workdir DIR is the programs' working directory. Before every run the
 * input files set by FILES are written into it afresh (mode 0444, subfolders
 * 0555), and after it the files named by OUTPUTS are read back from it; then
 * it is emptied (all of /tmp in a sandbox), so a run that changed or deleted
 * its input files, or wrote answers, leaves nothing for the next.
 *
 * --sandboxed 1 says the runner is alone in its own pid namespace, so it may
 * clean up with kill(-1): that reaches every leftover, even one that left
 * the process group. Without it only the run's process group is killed.
 *
 * Protocol, on stdin (one session, many requests):
 *   INPUT <len>\n<len bytes>   set the stdin for following runs
 *   ARGS <len>\n<len bytes>    set argv[1..] for following runs: each argument
 *                              followed by a NUL byte
 *   FILES <len>\n<len bytes>   set the input files for following runs: for each,
 *                              its relative path, NUL, its size in decimal, NUL,
 *                              then that many bytes
 *   OUTPUTS <len>\n<len bytes> set the names of the files to read back after
 *                              each run, each followed by a NUL byte
 *   RUN <index> <send>\n       run BIN[index]; send=1 also returns stdout
 *   QUIT\n
 * Reply to RUN, on stdout:
 *   R <index> <exit> <signal> <timedout> <user_us> <sys_us> <wall_us> <cycles>
 *     <out_len> <out_trunc> <hash> <err_len> <sent_out_len> <files_len>\n
 *   then sent_out_len bytes of stdout, then err_len bytes of stderr, then
 *   files_len bytes: for each name of OUTPUTS (only when send=1),
 *   "<status> <len>\n" and len bytes (status 0: no such file, 1: a regular
 *   file, 2: something else; at most --fsize bytes are read).
 *   exit is -1 when killed by a signal; cycles is -1 when unavailable.
 *   The hash covers stdout and, when OUTPUTS names files, each one's status
 *   and content, so a timed run that writes a different file is caught.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int pin_cpu = -1;
static long lim_cpu_s = 10, lim_nofile = 64, lim_nproc = 32, timeout_ms = 10000;
static long long lim_as = 2LL << 30, lim_fsize = 16LL << 20;
static long long out_cap = 64LL << 20, err_cap = 64LL << 10;
static int input_fd = -1;
static int cycles_ok = 1;
static int sandboxed = 0;
static const char *workdir = NULL;

/* A request's payload, kept for every following run. */
struct blob {
    char *data;
    size_t len;
};
static struct blob args_blob, files_blob, outputs_blob;

static void die(const char *msg) {
    fprintf(stderr, "runner: %s: %s\n", msg, strerror(errno));
    exit(3);
}

static int64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void write_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            die("write");
        }
        p += w;
        n -= (size_t)w;
    }
}

static int read_line(char *buf, size_t cap) {
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t r = read(0, buf + n, 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        if (buf[n] == '\n') break;
        n++;
    }
    buf[n] = 0;
    return (int)n;
}

static void set_input(long long len) {
    if (input_fd >= 0) close(input_fd);
    input_fd = memfd_create("stdin", MFD_ALLOW_SEALING | MFD_CLOEXEC);
    if (input_fd < 0) die("memfd_create");
    char buf[65536];
    while (len > 0) {
        ssize_t r = read(0, buf, len < (long long)sizeof buf ? (size_t)len : sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) die("short input");
        write_all(input_fd, buf, (size_t)r);
        len -= r;
    }
    /* The program may not change its input for the next run. */
    fcntl(input_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
}

static void read_blob(struct blob *b, long long len) {
    if (len < 0 || len > (1LL << 34)) {
        fprintf(stderr, "runner: bad payload length\n");
        exit(2);
    }
    free(b->data);
    b->data = malloc((size_t)len + 1);
    if (!b->data) die("malloc");
    size_t got = 0;
    while (got < (size_t)len) {
        ssize_t r = read(0, b->data + got, (size_t)len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) die("short payload");
        got += (size_t)r;
    }
    b->data[len] = 0;
    b->len = (size_t)len;
}

/* A relative path that stays inside the working directory. */
static int safe_path(const char *p) {
    if (!*p || *p == '/') return 0;
    for (const char *q = p; *q;) {
        const char *end = strchr(q, '/');
        size_t n = end ? (size_t)(end - q) : strlen(q);
        if (n == 0 || (n == 1 && q[0] == '.') || (n == 2 && q[0] == '.' && q[1] == '.')) return 0;
        q += n;
        if (*q == '/') q++;
    }
    return 1;
}

/* Write the input files into the working directory: read-only files, and
 * read-only subfolders (the working directory itself stays writable). */
static void put_files(void) {
    char path[4096];
    size_t i = 0;
    while (i < files_blob.len) {
        const char *name = files_blob.data + i;
        size_t nl = strlen(name);
        const char *size_s = name + nl + 1;
        if (size_s >= files_blob.data + files_blob.len) break;
        size_t size = (size_t)strtoull(size_s, NULL, 10);
        const char *content = size_s + strlen(size_s) + 1;
        i = (size_t)(content - files_blob.data) + size;
        if (i > files_blob.len || !safe_path(name)) {
            fprintf(stderr, "runner: bad input file entry\n");
            exit(2);
        }
        snprintf(path, sizeof path, "%s/%s", workdir, name);
        for (char *q = path + strlen(workdir) + 1; (q = strchr(q, '/')) != NULL; q++) {
            *q = 0;
            mkdir(path, 0755);
            *q = '/';
        }
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0) die("input file");
        write_all(fd, content, size);
        fchmod(fd, 0444);
        close(fd);
    }
    /* then the subfolders, deepest first (each path's parents) */
    i = 0;
    while (i < files_blob.len) {
        const char *name = files_blob.data + i;
        const char *size_s = name + strlen(name) + 1;
        size_t size = (size_t)strtoull(size_s, NULL, 10);
        i = (size_t)(size_s + strlen(size_s) + 1 - files_blob.data) + size;
        snprintf(path, sizeof path, "%s/%s", workdir, name);
        char *slash;
        while ((slash = strrchr(path, '/')) != NULL && slash > path + strlen(workdir)) {
            *slash = 0;
            chmod(path, 0555);
        }
    }
}

/* Read back the files named by OUTPUTS, hash them into `hash`, and keep them
 * (when `keep`) in `out` as the reply's files section. */
static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n);

static uint64_t get_outputs(uint64_t hash, int keep, char **out, size_t *out_len) {
    size_t cap = 0, len = 0;
    char *buf = NULL;
    char head[64];
    for (size_t i = 0; i < outputs_blob.len;) {
        const char *name = outputs_blob.data + i;
        i += strlen(name) + 1;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", workdir, name);
        int status = 0;
        char *data = NULL;
        size_t n = 0;
        int fd = safe_path(name) ? open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
        if (fd < 0) {
            status = errno == ENOENT || errno == ENOTDIR ? 0 : 2;
        } else {
            struct stat st;
            if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                status = 2;
            } else {
                status = 1;
                size_t want = (size_t)(st.st_size < lim_fsize ? st.st_size : lim_fsize);
                data = malloc(want + 1);
                if (!data) die("malloc");
                while (n < want) {
                    ssize_t r = read(fd, data + n, want - n);
                    if (r < 0 && errno == EINTR) continue;
                    if (r <= 0) break;
                    n += (size_t)r;
                }
            }
            close(fd);
        }
        int hl = snprintf(head, sizeof head, "%d %zu\n", status, n);
        hash = fnv1a(hash, (const unsigned char *)name, strlen(name) + 1);
        hash = fnv1a(hash, (const unsigned char *)head, (size_t)hl);
        if (n) hash = fnv1a(hash, (unsigned char *)data, n);
        if (keep) {
            if (len + (size_t)hl + n > cap) {
                cap = (len + (size_t)hl + n) * 2 + 64;
                buf = realloc(buf, cap);
                if (!buf) die("realloc");
            }
            memcpy(buf + len, head, (size_t)hl);
            len += (size_t)hl;
            if (n) memcpy(buf + len, data, n);
            len += n;
        }
        free(data);
    }
    *out = buf;
    *out_len = len;
    return hash;
}

static void limit(int res, long long v) {
    struct rlimit rl = {(rlim_t)v, (rlim_t)v};
    setrlimit(res, &rl);
}

static int open_cycles(pid_t pid) {
    if (!cycles_ok) return -1;
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.type = PERF_TYPE_HARDWARE;
    a.config = PERF_COUNT_HW_CPU_CYCLES;
    a.disabled = 1;
    a.enable_on_exec = 1;
    a.inherit = 1;
    a.exclude_kernel = 1;
    a.exclude_hv = 1;
    int fd = (int)syscall(SYS_perf_event_open, &a, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
    if (fd < 0) cycles_ok = 0;
    return fd;
}

/* Kill everything the runner can signal (all leftovers of the run in this
 * pid namespace), then reap them so their CPU time is accounted. */
static pid_t current = 0;

static void kill_leftovers(void) {
    if (sandboxed) kill(-1, SIGKILL);
    else if (current > 0) kill(-current, SIGKILL);
}

static void kill_and_reap(void) {
    kill_leftovers();
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR) {
    }
}

/* Remove everything below `path` (not `path` itself): each run starts from an
 * empty /tmp, so a program cannot leave answers for its next run to print. */
static void wipe(const char *path, int depth) {
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *e;
    char child[4096];
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        struct stat st;
        if (lstat(child, &st) < 0) continue;
        if (S_ISDIR(st.st_mode) && depth < 64) {
            chmod(child, 0700);
            wipe(child, depth + 1);
            rmdir(child);
        } else {
            unlink(child);
        }
    }
    closedir(d);
}

/* Same for System V IPC objects in the sandbox's own IPC namespace. */
static void clear_ipc(void) {
    const char *files[] = {"/proc/sysvipc/shm", "/proc/sysvipc/msg", "/proc/sysvipc/sem"};
    for (int k = 0; k < 3; k++) {
        FILE *f = fopen(files[k], "r");
        if (!f) continue;
        char line[512];
        int id;
        if (!fgets(line, sizeof line, f)) line[0] = 0; /* header */
        while (fgets(line, sizeof line, f)) {
            if (sscanf(line, "%*d %d", &id) != 1) continue;
            if (k == 0) shmctl(id, IPC_RMID, NULL);
            else if (k == 1) msgctl(id, IPC_RMID, NULL);
            else semctl(id, 0, IPC_RMID);
        }
        fclose(f);
    }
}

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

struct buf {
    char *data;
    size_t len, cap, limit;
    int trunc;
};

static void buf_add(struct buf *b, const char *p, size_t n) {
    if (b->len + n > b->limit) {
        n = b->limit - b->len;
        b->trunc = 1;
    }
    if (b->len + n > b->cap) {
        size_t c = b->cap ? b->cap : 65536;
        while (c < b->len + n) c *= 2;
        b->data = realloc(b->data, c);
        if (!b->data) die("realloc");
        b->cap = c;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void run_one(const char *bin, int index, int send) {
    int out[2], err[2], sync[2];
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(sync, O_CLOEXEC)) die("pipe");
    if (lseek(input_fd, 0, SEEK_SET) < 0) die("lseek");
    if (workdir) {
        if (!sandboxed) wipe(workdir, 0);
        put_files();
    }
    size_t nargs = 0;
    for (size_t i = 0; i < args_blob.len; i += strlen(args_blob.data + i) + 1) nargs++;
    char **argv = calloc(nargs + 2, sizeof *argv);
    if (!argv) die("calloc");
    argv[0] = (char *)bin;
    for (size_t i = 0, k = 1; i < args_blob.len; i += strlen(args_blob.data + i) + 1)
        argv[k++] = args_blob.data + i;
    struct rusage before, after;
    getrusage(RUSAGE_CHILDREN, &before);
    int64_t t0 = now_us();
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        char c;
        setpgid(0, 0);
        close(sync[1]);
        while (read(sync[0], &c, 1) < 0 && errno == EINTR) {
        }
        dup2(input_fd, 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        if (workdir && chdir(workdir) < 0) _exit(126);
        limit(RLIMIT_CPU, lim_cpu_s);
        limit(RLIMIT_AS, lim_as);
        limit(RLIMIT_FSIZE, lim_fsize);
        limit(RLIMIT_NOFILE, lim_nofile);
        limit(RLIMIT_NPROC, lim_nproc);
        limit(RLIMIT_CORE, 0);
        char *envp[] = {"PATH=/usr/bin:/bin", "LC_ALL=C", NULL};
        execve(bin, argv, envp);
        _exit(127);
    }
    setpgid(pid, pid);
    current = pid;
    close(sync[0]);
    close(out[1]);
    close(err[1]);
    int cfd = open_cycles(pid);
    write_all(sync[1], "g", 1);
    close(sync[1]);

    struct buf ob = {0}, eb = {0};
    ob.limit = (size_t)out_cap;
    eb.limit = (size_t)err_cap;
    uint64_t hash = 1469598103934665603ULL;
    int status = 0, exited = 0, timedout = 0, killed = 0;
    int64_t wall = 0, deadline = t0 + timeout_ms * 1000;
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    struct pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {pfd, POLLIN, 0}};
    int open_fds = 2;
    char chunk[65536];
    while (open_fds > 0 || !exited) {
        if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
            exited = 1;
            wall = now_us() - t0;
            fds[2].fd = -1;
            /* The program is done: leftovers may not hold the pipes open. */
            kill_leftovers();
        }
        if (exited && open_fds == 0) break;
        int64_t left = (deadline - now_us()) / 1000;
        if (left <= 0 && !killed) {
            timedout = 1;
            killed = 1;
            kill_leftovers();
        }
        int wait_ms = killed ? 50 : (int)(left < 1000 ? left : 1000);
        if (pfd < 0 && !exited && wait_ms > 5) wait_ms = 5;
        int n = poll(fds, 3, wait_ms < 1 ? 1 : wait_ms);
        if (n < 0 && errno != EINTR) die("poll");
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t r = read(fds[i].fd, chunk, sizeof chunk);
            if (r <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
                continue;
            }
            if (i == 0) {
                if (!ob.trunc) hash = fnv1a(hash, (unsigned char *)chunk, (size_t)r);
                buf_add(&ob, chunk, (size_t)r);
                if (ob.trunc && !killed) {
                    killed = 1;
                    kill_leftovers();
                }
            } else {
                buf_add(&eb, chunk, (size_t)r);
            }
        }
    }
    if (pfd >= 0) close(pfd);
    if (!exited) {
        waitpid(pid, &status, 0);
        wall = now_us() - t0;
    }
    kill_and_reap();
    getrusage(RUSAGE_CHILDREN, &after);
    free(argv);
    char *files = NULL;
    size_t files_len = 0;
    if (workdir && outputs_blob.len && !ob.trunc)
        hash = get_outputs(hash, send, &files, &files_len);
    if (sandboxed) {
        wipe("/tmp", 0);
        wipe("/dev/shm", 0);
        clear_ipc();
    } else if (workdir) {
        wipe(workdir, 0);
    }
    long long cycles = -1;
    if (cfd >= 0) {
        if (read(cfd, &cycles, sizeof cycles) != sizeof cycles) cycles = -1;
        close(cfd);
    }
    long long user = (after.ru_utime.tv_sec - before.ru_utime.tv_sec) * 1000000LL +
                     (after.ru_utime.tv_usec - before.ru_utime.tv_usec);
    long long sys = (after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1000000LL +
                    (after.ru_stime.tv_usec - before.ru_stime.tv_usec);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    /* Killed at the CPU-time limit (SIGXCPU, then SIGKILL at the hard limit): a timeout. */
    if ((sig == SIGXCPU || sig == SIGKILL) && user + sys >= lim_cpu_s * 1000000LL - 20000)
        timedout = 1;
    size_t sent = send ? ob.len : 0;
    char head[512];
    int hl = snprintf(head, sizeof head,
                      "R %d %d %d %d %lld %lld %lld %lld %zu %d %016llx %zu %zu %zu\n", index, code,
                      sig, timedout, user, sys, (long long)wall, cycles, ob.len, ob.trunc,
                      (unsigned long long)hash, eb.len, sent, files_len);
    write_all(1, head, (size_t)hl);
    if (sent) write_all(1, ob.data, sent);
    if (eb.len) write_all(1, eb.data, eb.len);
    if (files_len) write_all(1, files, files_len);
    free(files);
    free(ob.data);
    free(eb.data);
}

int main(int argc, char **argv) {
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (i + 1 >= argc) break;
        const char *k = argv[i];
        long long v = atoll(argv[i + 1]);
        if (!strcmp(k, "--cpu")) pin_cpu = (int)v;
        else if (!strcmp(k, "--cpu-s")) lim_cpu_s = (long)v;
        else if (!strcmp(k, "--as")) lim_as = v;
        else if (!strcmp(k, "--fsize")) lim_fsize = v;
        else if (!strcmp(k, "--nofile")) lim_nofile = (long)v;
        else if (!strcmp(k, "--nproc")) lim_nproc = (long)v;
        else if (!strcmp(k, "--timeout-ms")) timeout_ms = (long)v;
        else if (!strcmp(k, "--out-cap")) out_cap = v;
        else if (!strcmp(k, "--err-cap")) err_cap = v;
        else if (!strcmp(k, "--sandboxed")) sandboxed = (int)v;
        else if (!strcmp(k, "--workdir")) workdir = argv[i + 1];
        else {
            fprintf(stderr, "runner: unknown option %s\n", k);
            return 2;
        }
    }
    char **bins = argv + i;
    int nbins = argc - i;
    if (nbins < 1) {
        fprintf(stderr, "runner: no binaries\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) die("subreaper");
    if (pin_cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(pin_cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) < 0) die("sched_setaffinity");
    }
    char line[256];
    while (read_line(line, sizeof line) >= 0) {
        long long len;
        int index, send;
        if (sscanf(line, "INPUT %lld", &len) == 1) {
            set_input(len);
        } else if (sscanf(line, "ARGS %lld", &len) == 1) {
            read_blob(&args_blob, len);
        } else if (sscanf(line, "FILES %lld", &len) == 1) {
            read_blob(&files_blob, len);
        } else if (sscanf(line, "OUTPUTS %lld", &len) == 1) {
            read_blob(&outputs_blob, len);
        } else if (sscanf(line, "RUN %d %d", &index, &send) == 2) {
            if (input_fd < 0 || index < 0 || index >= nbins) {
                fprintf(stderr, "runner: bad request\n");
                return 2;
            }
            run_one(bins[index], index, send);
        } else if (!strcmp(line, "QUIT")) {
            return 0;
        } else {
            fprintf(stderr, "runner: bad request: %s\n", line);
            return 2;
        }
    }
    return 0;
}
