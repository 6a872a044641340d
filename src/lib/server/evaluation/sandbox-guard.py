# Runs one evaluation program (argv[1], in the scratch directory that is the working directory)
# under limits, the way OpenAI's human-eval `reliability_guard` does and a bit more: resource
# limits (address space, CPU seconds, file size, open files, processes), no network (a network
# namespace of its own when the kernel allows it, and sockets disabled), privileges dropped to
# `nobody` when started as root (so the process limit applies), and the destructive or escaping
# parts of os / shutil / subprocess removed before the program runs. Not a security boundary against
# a determined attacker (that needs a container or VM); a guard against generated code that hangs,
# forks, fills memory or the disk, or reaches out.
import builtins, ctypes, faulthandler, os, resource, shutil, socket, subprocess, sys

program, memory_bytes, cpu_seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
applied = []

CLONE_NEWNET = 0x40000000
try:
    if ctypes.CDLL(None, use_errno=True).unshare(CLONE_NEWNET) == 0:
        applied.append("netns")
except Exception:
    pass

if os.geteuid() == 0:
    # The scratch directory was made writable for this user by the studio.
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
    applied.append("nobody")

for limit, value in (
    (resource.RLIMIT_AS, memory_bytes),
    (resource.RLIMIT_DATA, memory_bytes),
    (resource.RLIMIT_CPU, cpu_seconds),
    (resource.RLIMIT_FSIZE, 10 * 1024 * 1024),
    (resource.RLIMIT_NOFILE, 64),
    (resource.RLIMIT_NPROC, 16),
):
    try:
        resource.setrlimit(limit, (value, value))
    except (ValueError, OSError):
        pass
applied.append("rlimits")

source = open(program, encoding="utf-8").read()


def refused(*_args, **_kwargs):
    raise PermissionError("not allowed in the evaluation sandbox")


socket.socket = refused
socket.create_connection = refused
for name in ("kill", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir", "setuid", "fork", "forkpty", "killpg",
             "rename", "renames", "truncate", "replace", "unlink", "fchmod", "fchown", "chmod", "chown", "chroot", "lchown",
             "execv", "execve", "execvp", "spawnv", "spawnve", "popen"):
    if hasattr(os, name):
        setattr(os, name, refused)
shutil.rmtree = refused
shutil.move = refused
shutil.chown = refused
subprocess.Popen = refused
builtins.exit = refused
builtins.quit = refused
for module in ("ipdb", "joblib", "resource", "psutil", "tkinter"):
    sys.modules[module] = None
applied.append("guard")
print("sandbox:" + ",".join(applied), file=sys.stderr, flush=True)

faulthandler.disable()
exec(compile(source, "program.py", "exec"), {"__name__": "__main__"})
