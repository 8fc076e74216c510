"""`serve`: build, then serve the output folder on loopback (live reload arrives with its own issue)."""
from __future__ import annotations

import functools
import http.server
import sys
from pathlib import Path


def serve(args) -> int:
    from .cli import cmd_build, load

    args.out, args.base_url = None, None
    status = cmd_build(args)
    if status:
        return status
    site, _, _ = load(args.site, args.drafts, strict=False)
    out = site.root / site.output_dir
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    try:
        server = http.server.ThreadingHTTPServer((args.host, args.port), handler)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"serving {out} at http://{args.host}:{args.port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
