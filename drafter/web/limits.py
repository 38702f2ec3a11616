"""How waitress serves the page: enough connections that slow or idle clients on an event's
Wi-Fi cannot take them all, and idle ones closed soon (docs/staff.md, "Slow networks")."""
from __future__ import annotations

CONNECTIONS = 1000       # open at once (waitress's default, 100, was taken by 100 slow clients)
IDLE_SECONDS = 30        # a connection with no request under way and silent this long is closed
SPARE = 200              # descriptors kept for the log, LibreOffice and the volunteers' files


def server_options() -> dict:
    """waitress.create_server's limits; raises this process's open-file limit to hold them."""
    try:
        import resource
    except ImportError:  # Windows: no open-file limit to raise; select() watches at most 512 sockets
        limit = 400
    else:
        limit = CONNECTIONS
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = CONNECTIONS + SPARE
        if soft != resource.RLIM_INFINITY and soft < want:
            new = want if hard == resource.RLIM_INFINITY else min(want, hard)
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
                soft = new
            except (ValueError, OSError):
                pass
        if soft != resource.RLIM_INFINITY:
            limit = max(100, min(CONNECTIONS, soft - SPARE))
    # poll() where there is one (waitress falls back to select() without it): select() cannot
    # watch a descriptor numbered over 1023.
    return {"connection_limit": limit, "channel_timeout": IDLE_SECONDS, "cleanup_interval": 10,
            "asyncore_use_poll": True}
