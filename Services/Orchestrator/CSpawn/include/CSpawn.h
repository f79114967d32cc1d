// Process spawning for the orchestrator's supervisor: fork + exec in C, because what the
// child must do between the two (prctl(PR_SET_PDEATHSIG), setsid, closing inherited
// descriptors, resetting signal dispositions) is not possible from Swift (prctl is variadic,
// and Swift code must not run in a child forked from a multithreaded process).
#ifndef EMU3_CSPAWN_H
#define EMU3_CSPAWN_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What the child does before exec. A field set to -1 leaves that descriptor as /dev/null
/// (stdin, stdout, stderr) or absent (extra_fd).
typedef struct emu3_spawn_options {
    int stdin_fd;             // becomes fd 0 (-1: /dev/null)
    int stdout_fd;            // becomes fd 1 (-1: /dev/null)
    int stderr_fd;            // becomes fd 2 (-1: /dev/null)
    int extra_fd;             // becomes fd 3 (-1: none), e.g. a readiness pipe
    int new_session;          // 1: a detached daemon: double fork + setsid(); the daemon is
                              // not our child and emu3_spawn returns 0 instead of a pid
    int new_process_group;    // 1: setpgid(0, 0) (terminal Ctrl-C reaches only the parent)
    int parent_death_signal;  // > 0: prctl(PR_SET_PDEATHSIG, sig); the child exits at once
                              // if the parent is already gone. Tied to the calling THREAD:
                              // spawn from a thread that lives as long as the supervisor.
} emu3_spawn_options;

/// Forks and execs `path` with `argv` and `envp` (both NULL-terminated). Every other
/// descriptor is closed in the child, every signal disposition reset to the default and
/// the signal mask cleared.
/// Returns the child's pid (0 for a detached daemon), or -1 with `*error_number` set: the errno of fork, or of
/// execve in the child (reported back through a close-on-exec pipe), e.g. ENOENT.
pid_t emu3_spawn(const char *path, char *const argv[], char *const envp[],
                 const emu3_spawn_options *options, int *error_number);

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec. Returns 0, or -1 with errno.
int emu3_pipe_cloexec(int fds[2]);

/// Installs handlers for SIGTERM, SIGINT and SIGHUP that only record the signal (no
/// SA_RESTART), and ignores SIGPIPE. Call once, early, from the main thread.
void emu3_install_stop_signals(void);

/// The first stop signal received since `emu3_install_stop_signals`, or 0.
int emu3_stop_signal(void);

/// Decodes a `waitpid` status: exit code (>= 0) when exited, -signal when killed, and
/// INT32_MIN for anything else (stopped, continued).
int emu3_wait_status_decode(int status);

#ifdef __cplusplus
}
#endif

#endif
