# Inside one sandbox interpreter (sandbox-worker.js makes this the `_cts_harness` module): `run_sample`
# runs the program the worker left in /sandbox in a namespace of its own, its stderr kept under a cap,
# in a scratch folder removed after, and writes /sandbox/result: passed or failed, and whether the
# program changed the interpreter in a way the next sample would inherit (builtins, loaded modules,
# files, import machinery: the pool then replaces the interpreter). Hygiene between samples of one
# evaluation, not the boundary: that is WebAssembly behind a closed gate in a stripped realm.
import builtins
import gc
import io
import linecache
import os
import sys
import traceback
import warnings

HOME = "/home/pyodide"
SANDBOX = "/sandbox"
SCRATCH = "/tmp/sample"
# Pyodide's bridges to JavaScript: no program imports them (the realm behind them is empty anyway).
BLOCKED = frozenset({"js", "pyodide_js", "pyodide", "_pyodide", "micropip"})
# Names of sys that change without anyone changing the interpreter.
VOLATILE = {"sys": {"last_exc", "last_type", "last_value", "last_traceback", "stdout", "stderr", "stdin"}}
_missing = object()


class _Refused:
    """A finder ahead of all others: the bridges cannot be imported."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not available in the evaluation sandbox", name=name)
        return None


class _Sink(io.TextIOBase):
    """A text stream that keeps only its last `cap` characters."""

    def __init__(self, cap):
        self._cap = max(int(cap), 1)
        self._text = ""

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._text += text
        if len(self._text) > 2 * self._cap:
            self._text = self._text[-self._cap :]
        return len(text)

    def text(self):
        return self._text[-self._cap :]


class _Baseline:
    modules = {}
    namespaces = {}
    builtins = {}
    files = {}
    lists = {}
    recursion_limit = 1000
    warning_filters = []
    environ = {}


def _walk():
    """Every path of the in-memory file system but /dev and /proc: (is a folder, size, mtime)."""
    found = {}
    for root, dirs, files in os.walk("/"):
        if root == "/":
            dirs[:] = [d for d in dirs if d not in ("dev", "proc")]
        for name in dirs + files:
            path = os.path.join(root, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            found[path] = (name in dirs, st.st_size, st.st_mtime)
    return found


def prepare(preload):
    """Imports the modules samples commonly use, then records the state every sample starts from."""
    for name in preload:
        __import__(name)
    sys.dont_write_bytecode = True
    for name in [m for m in sys.modules if m.partition(".")[0] in BLOCKED]:
        del sys.modules[name]
    sys.meta_path.insert(0, _Refused)
    # An interpreter restored from a snapshot would otherwise repeat the snapshot's random numbers.
    __import__("random").seed()
    os.makedirs(HOME, exist_ok=True)
    os.chdir(HOME)
    _Baseline.modules = dict(sys.modules)
    _Baseline.namespaces = {name: dict(vars(module)) for name, module in sys.modules.items() if hasattr(module, "__dict__")}
    _Baseline.builtins = dict(vars(builtins))
    _Baseline.lists = {"path": list(sys.path), "meta_path": list(sys.meta_path), "path_hooks": list(sys.path_hooks)}
    _Baseline.recursion_limit = sys.getrecursionlimit()
    _Baseline.warning_filters = list(warnings.filters)
    _Baseline.environ = dict(os.environ)
    _Baseline.files = _walk()


def _describe(error, sink):
    """The exception as a traceback; a hostile __str__ or __repr__ gets its type name only."""
    try:
        # From the program's own frames: run_sample's is not the program's business.
        tb = error.__traceback__.tb_next if error.__traceback__ is not None else None
        sink.write("".join(traceback.format_exception(type(error), error, tb)))
    except BaseException:
        sink.write(f"{type(error).__name__} (its message could not be shown)\n")


def _same(current, recorded, skip=()):
    if current is None:
        return False
    for name, value in recorded.items():
        if name not in skip and current.get(name, _missing) is not value:
            return False
    return all(name in recorded or name in skip for name in current)


def _restore():
    """Puts back what a sample may change; True when something it changed cannot be put back."""
    changed = False
    try:
        os.chdir(HOME)
    except OSError:
        changed = True
    # Files: new ones go; a changed or removed one (the standard library…) taints the interpreter.
    now = _walk()
    for path in sorted((p for p in now if p not in _Baseline.files), key=len, reverse=True):
        try:
            if now[path][0] and not os.path.islink(path):
                os.rmdir(path)
            else:
                os.unlink(path)
        except OSError:
            changed = True
    for path, (is_dir, size, mtime) in _Baseline.files.items():
        seen = now.get(path)
        if seen is None or seen[0] != is_dir or (not is_dir and (seen[1], seen[2]) != (size, mtime)):
            changed = True
    # Modules a sample imported are forgotten (the next one imports them afresh); those every sample
    # shares must be as they were.
    for name in [m for m in sys.modules if m not in _Baseline.modules]:
        del sys.modules[name]
    for name, module in _Baseline.modules.items():
        if sys.modules.get(name) is not module:
            changed = True
            continue
        recorded = _Baseline.namespaces.get(name)
        if recorded is not None and not _same(getattr(module, "__dict__", None), recorded, VOLATILE.get(name, ())):
            changed = True
    if not _same(vars(builtins), _Baseline.builtins):
        changed = True
    for name, recorded in _Baseline.lists.items():
        if getattr(sys, name) != recorded:
            changed = True
    if sys.gettrace() is not None or sys.getprofile() is not None:
        changed = True
    sys.setrecursionlimit(_Baseline.recursion_limit)
    warnings.filters[:] = _Baseline.warning_filters
    if dict(os.environ) != _Baseline.environ:
        os.environ.clear()
        os.environ.update(_Baseline.environ)
    if not gc.isenabled():
        gc.enable()
    return changed


def _take(name):
    path = os.path.join(SANDBOX, name)
    with open(path, encoding="utf-8") as file:
        text = file.read()
    os.unlink(path)
    return text


def run_sample():
    """Runs /sandbox/program.py; passed when it runs to its end, any exception (SystemExit too) fails it."""
    source = _take("program.py")
    err = _Sink(int(_take("cap")))
    out = _Sink(1)
    saved = (sys.stdout, sys.stderr, sys.stdin)
    os.makedirs(SCRATCH, exist_ok=True)
    os.chdir(SCRATCH)
    linecache.cache["program.py"] = (len(source), None, source.splitlines(True), "program.py")
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    passed = False
    sys.stdout, sys.stderr, sys.stdin = out, err, io.StringIO("")
    try:
        exec(compile(source, "program.py", "exec", dont_inherit=True), namespace)
        passed = True
    except BaseException as error:  # a program that exits has not passed its test
        _describe(error, err)
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
        linecache.cache.pop("program.py", None)
    # The sample's objects go now (their finalizers run within its deadline), then its traces.
    namespace.clear()
    namespace = None
    sys.last_exc = sys.last_type = sys.last_value = sys.last_traceback = None
    gc.collect()
    changed = _restore()
    with open(os.path.join(SANDBOX, "result"), "w", encoding="utf-8") as file:
        file.write(f"{'passed' if passed else 'failed'}\n{'changed' if changed else 'same'}\n{err.text()}")
