#!/usr/bin/env python3
"""The one entry point: python build.py build|serve|check|new [options]. See README.md."""
import os
import sys

from explainers.cli import main

if __name__ == "__main__":
    code = main()
    # Every file is written and closed, every worker and thread joined: leave without
    # freeing every page's objects one by one, a cost that grows with the site.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a reader that went away (`| head`): nothing more to tell it
            pass
    os._exit(code)
