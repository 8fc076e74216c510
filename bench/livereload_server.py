"""The preview as the `livereload` package (2.7.1) makes it, for bench/preview_bench.py to time beside ours.

    python bench/livereload_server.py SITE PORT

`livereload.Server` watches SITE/content/ and, on a change, calls our build (the same
`builder.build` as `python build.py build`, with the disk cache) into its own output folder,
which it serves with its script injected; the browser reloads when livereload says so.
Prints the address and, after each build, "rebuilt in N ms", as `build.py serve` does.
"""
from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from livereload import Server  # noqa: E402

from explainers.builder import build  # noqa: E402


def main() -> int:
    site, port = sys.argv[1], int(sys.argv[2])
    out = Path(site) / ".livereload-out"
    if port == 0:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]

    def rebuild() -> None:
        started = time.perf_counter()
        result = build(site, out=out)
        print(f"rebuilt in {(time.perf_counter() - started) * 1000:.0f} ms ({len(result.problems.errors)} errors)", flush=True)

    build(site, out=out)
    server = Server()
    server.watch(str(Path(site) / "content"), rebuild)
    print(f"serving at http://127.0.0.1:{port}/ (livereload)", flush=True)
    server.serve(port=port, host="127.0.0.1", root=str(out), restart_delay=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
