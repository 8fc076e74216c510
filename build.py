#!/usr/bin/env python3
"""The one entry point: python build.py build|serve|check|new [options]. See README.md."""
import os
import sys

from explainers.cli import main

if __name__ == "__main__":
    code = main()
    # Every file is written and closed, every worker and thread joined: leave without
    # freeing a thousand pages' objects one by one, which took 30 ms of a one-page edit.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a reader that went away (`| head`): nothing more to tell it
            pass
    os._exit(code)
