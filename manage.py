#!/usr/bin/env python3
"""Django's manage.py; the installed `dianpu` command does the same."""

from dianpu.cli import main

if __name__ == "__main__":
    main()
