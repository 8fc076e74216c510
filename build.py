#!/usr/bin/env python3
"""The one entry point: python build.py build|serve|check|new [options]. See README.md."""
import sys

from explainers.cli import main

if __name__ == "__main__":
    sys.exit(main())
