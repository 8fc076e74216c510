"""`serve`: build, then serve the output folder on loopback (live reload arrives with its own issue)."""
from __future__ import annotations

import functools
import http.server
import sys

from .builder import build


def serve(args) -> int:
    """Build once, then serve the output folder until Ctrl-C."""
    from .cli import report

    result = build(args.site, drafts=args.drafts, use_cache=not getattr(args, "no_cache", False))
    report(result.problems)
    if not result.written:
        return 1
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(result.out))
    try:
        server = http.server.ThreadingHTTPServer((args.host, args.port), handler)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"serving {result.out} at http://{args.host}:{args.port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
