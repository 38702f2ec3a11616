"""Windows or macOS, as drafter sees them, on Linux: DRAFTER_SIMULATE=windows|macos with this
folder on PYTHONPATH (`tests/simulate/run`) takes away what those systems' Python lacks, so
the tests exercise the fallbacks that real Windows and macOS take.

Both: no O_TMPFILE, no C library through ctypes.CDLL(None) (Windows has none; macOS has no
syncfs or renameat2), no /proc, no RLIMIT_AS that holds (macOS ignores it).
windows: no O_NONBLOCK, O_NOFOLLOW, O_CLOEXEC, killpg, setsid, fork, setitimer, SIGALRM or
`resource`; `os.kill(pid, 0)` is refused (on Windows it sends Ctrl-C); a file created under a
name Windows forbids is refused.
macos: fork is there but unsafe, so drafter must not use it (drafter.system.PLATFORM = darwin).
"""
import os
import sys

_MODE = os.environ.get("DRAFTER_SIMULATE", "")


def _simulate(mode: str) -> None:
    import builtins
    import ctypes
    import re
    import signal

    for name in ("O_TMPFILE",):
        if hasattr(os, name):
            delattr(os, name)

    real_cdll_init = ctypes.CDLL.__init__

    def cdll_init(self, name, *args, **kwargs):
        if name is None:
            raise OSError(f"ctypes.CDLL(None): no C library of the process on {mode} (simulated)")
        real_cdll_init(self, name, *args, **kwargs)
    ctypes.CDLL.__init__ = cdll_init

    stdlib = {"pathlib", "io", "os", "shutil", "tempfile", "glob", "genericpath", "posixpath", __name__}

    def no_proc(path):
        """drafter's own code finds no /proc (psutil, which stands for Windows' and macOS's own
        calls, may read it)."""
        try:
            text = os.fsdecode(path) if not isinstance(path, int) else ""
        except TypeError:
            return
        if not (text == "/proc" or text.startswith("/proc/")):
            return
        frame = sys._getframe(2)
        while frame is not None and frame.f_globals.get("__name__") in stdlib:
            frame = frame.f_back
        if frame is not None and str(frame.f_globals.get("__name__")).startswith("drafter"):
            raise FileNotFoundError(2, f"no /proc on {mode} (simulated)", text)

    real_open, real_os_open, real_listdir = builtins.open, os.open, os.listdir
    reserved = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$")

    def windows_name(path):
        if mode != "windows" or isinstance(path, int):
            return
        base = os.path.basename(os.fsdecode(path))
        if base and (re.search(r'[<>:"|?*\x00-\x1f\\]', base) or base[-1] in ". " or reserved.match(base)):
            raise OSError(22, f"invalid file name on Windows (simulated): {base!r}", os.fsdecode(path))

    def sim_open(file, mode_="r", *args, **kwargs):
        no_proc(file)
        if any(c in mode_ for c in "wxa"):
            windows_name(file)
        return real_open(file, mode_, *args, **kwargs)

    def sim_os_open(path, flags, *args, **kwargs):
        no_proc(path)
        if flags & os.O_CREAT:
            windows_name(path)
        return real_os_open(path, flags, *args, **kwargs)

    def sim_listdir(path="."):
        no_proc(path)
        return real_listdir(path)
    builtins.open, os.open, os.listdir = sim_open, sim_os_open, sim_listdir
    import io
    io.open = sim_open

    real_replace, real_rename, real_link = os.replace, os.rename, os.link

    def named(real):
        def call(src, dst, *args, **kwargs):
            windows_name(dst)
            return real(src, dst, *args, **kwargs)
        return call
    os.replace, os.rename, os.link = named(real_replace), named(real_rename), named(real_link)

    try:
        import resource
        resource.setrlimit = lambda *a, **k: None      # macOS: RLIMIT_AS is accepted, never enforced
    except ImportError:
        pass

    import multiprocessing
    import multiprocessing.context as mpc
    if mode == "windows":
        for name in ("O_NONBLOCK", "O_NOFOLLOW", "O_CLOEXEC", "killpg", "setsid", "getpgid", "fork",
                     "forkpty", "register_at_fork", "fdatasync", "sync"):
            if hasattr(os, name):
                delattr(os, name)
        for name in ("setitimer", "getitimer", "SIGALRM", "ITIMER_REAL", "alarm"):
            if hasattr(signal, name):
                delattr(signal, name)
        import psutil        # stands for Windows' own calls; on Linux it reads /proc and uses resource
        sys.modules["resource"] = None           # import resource: ImportError, as on Windows

        real_kill = os.kill

        def kill(pid, sig):
            if sig == 0:
                raise AssertionError("os.kill(pid, 0) sends Ctrl-C to the process on Windows")
            return real_kill(pid, sig)
        os.kill = kill
        for name in ("fork", "forkserver"):
            mpc._concrete_contexts.pop(name, None)
        mpc.DefaultContext.get_all_start_methods = lambda self: ["spawn"]
        multiprocessing.get_all_start_methods = lambda: ["spawn"]
    multiprocessing.set_start_method("spawn", force=True)
    if mode == "macos":
        # fork stays in get_all_start_methods(), as on macOS: drafter must decide not to use it.
        import importlib.abc
        import importlib.machinery

        class Darwin(importlib.abc.MetaPathFinder):
            """drafter.system, once imported (not before: `import drafter` stays cheap), says darwin."""
            def find_spec(self, name, path, target=None):
                if name != "drafter.system":
                    return None
                spec = importlib.machinery.PathFinder.find_spec(name, path)
                real_exec = spec.loader.exec_module

                def exec_module(module):
                    real_exec(module)
                    module.PLATFORM = "darwin"
                spec.loader.exec_module = exec_module
                return spec
        sys.meta_path.insert(0, Darwin())


if _MODE in ("windows", "macos"):
    _simulate(_MODE)
elif _MODE:
    raise SystemExit(f"DRAFTER_SIMULATE={_MODE!r}: use windows or macos")
