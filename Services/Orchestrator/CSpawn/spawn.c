// See include/CSpawn.h.
#define _GNU_SOURCE
#include "CSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/// Closes every descriptor in [low, high] (both >= 0). close_range when the kernel has it,
/// a bounded loop otherwise. Async-signal-safe.
static void close_between(int low, int high) {
    if (low > high) return;
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)low, (unsigned)high, 0u) == 0) return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (long fd = low; fd <= high && fd < max; fd++) close((int)fd);
}

/// Moves `fd` onto `target` (or /dev/null when fd < 0). Async-signal-safe.
static int place(int fd, int target, int flags) {
    if (fd < 0) {
        fd = open("/dev/null", flags);
        if (fd < 0) return -1;
        if (fd == target) return 0;
        int rc = dup2(fd, target);
        close(fd);
        return rc < 0 ? -1 : 0;
    }
    if (fd == target) return fcntl(fd, F_SETFD, 0);  // keep it across exec
    return dup2(fd, target) < 0 ? -1 : 0;
}

static void report_and_exit(int pipe_fd, int err) {
    ssize_t ignored = write(pipe_fd, &err, sizeof err);
    (void)ignored;
    _exit(127);
}

pid_t emu3_spawn(const char *path, char *const argv[], char *const envp[],
                 const emu3_spawn_options *o, int *error_number) {
    int status_pipe[2];
    if (pipe2(status_pipe, O_CLOEXEC) != 0) {
        *error_number = errno;
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        *error_number = errno;
        close(status_pipe[0]);
        close(status_pipe[1]);
        return -1;
    }
    if (pid == 0) {
        // The child: only async-signal-safe calls from here to execve.
        int w = status_pipe[1];
        if (o->parent_death_signal > 0) {
            if (prctl(PR_SET_PDEATHSIG, o->parent_death_signal, 0, 0, 0) != 0) report_and_exit(w, errno);
            if (getppid() != parent) _exit(1);  // the parent died before prctl took effect
        }
        if (o->new_session) {
            // Detach completely: fork once more and let the middle process exit, so the
            // daemon is never the caller's child (no zombie in a long-lived caller) and
            // is adopted by init or the nearest subreaper.
            pid_t grandchild = _Fork();
            if (grandchild < 0) report_and_exit(w, errno);
            if (grandchild > 0) _exit(0);
            if (setsid() < 0) report_and_exit(w, errno);
        }
        if (!o->new_session && o->new_process_group && setpgid(0, 0) != 0) report_and_exit(w, errno);
        // Move the status pipe above the target descriptors so dup2 cannot clobber it.
        if (w <= 3) {
            int moved = fcntl(w, F_DUPFD_CLOEXEC, 10);
            if (moved < 0) _exit(127);
            w = moved;
        }
        // The sources may themselves sit on 0-3: lift them first.
        int src[4] = {o->stdin_fd, o->stdout_fd, o->stderr_fd, o->extra_fd};
        for (int i = 0; i < 4; i++) {
            if (src[i] >= 0 && src[i] <= 3 && src[i] != i) {
                int lifted = fcntl(src[i], F_DUPFD_CLOEXEC, 10);
                if (lifted < 0) report_and_exit(w, errno);
                for (int j = i + 1; j < 4; j++) if (src[j] == src[i]) src[j] = lifted;
                src[i] = lifted;
            }
        }
        if (place(src[0], 0, O_RDONLY) != 0) report_and_exit(w, errno);
        if (place(src[1], 1, O_WRONLY) != 0) report_and_exit(w, errno);
        if (place(src[2], 2, O_WRONLY) != 0) report_and_exit(w, errno);
        int first_closed = 3;
        if (src[3] >= 0) {
            if (place(src[3], 3, O_RDWR) != 0) report_and_exit(w, errno);
            first_closed = 4;
        }
        if (w > first_closed) close_between(first_closed, w - 1);
        close_between(w + 1, INT_MAX);
        struct sigaction dfl;
        dfl.sa_handler = SIG_DFL;
        dfl.sa_flags = 0;
        sigemptyset(&dfl.sa_mask);
        for (int s = 1; s < NSIG; s++) {
            if (s == SIGKILL || s == SIGSTOP) continue;
            sigaction(s, &dfl, NULL);
        }
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execve(path, argv, envp);
        report_and_exit(w, errno);
    }
    close(status_pipe[1]);
    int child_errno = 0;
    ssize_t n;
    do {
        n = read(status_pipe[0], &child_errno, sizeof child_errno);
    } while (n < 0 && errno == EINTR);
    close(status_pipe[0]);
    if (n == (ssize_t)sizeof child_errno || o->new_session) {
        // exec failed (the child exited with 127), or the middle process of a detached
        // spawn exited at once: reap it.
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    }
    if (n == (ssize_t)sizeof child_errno) {
        *error_number = child_errno;
        return -1;
    }
    *error_number = 0;
    return o->new_session ? 0 : pid;
}

int emu3_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

static volatile sig_atomic_t stop_signal = 0;

static void record_stop(int sig) {
    if (stop_signal == 0) stop_signal = sig;
}

void emu3_install_stop_signals(void) {
    struct sigaction sa;
    sa.sa_handler = record_stop;
    sa.sa_flags = 0;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGHUP);
    pthread_sigmask(SIG_UNBLOCK, &stops, NULL);
}

int emu3_stop_signal(void) { return stop_signal; }

int emu3_wait_status_decode(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return -WTERMSIG(status);
    return INT32_MIN;
}
