#!/usr/bin/env python
"""Django's command-line utility; ``onewindow`` is the same with hyphenated names."""

from onewindow.cli import main

if __name__ == "__main__":
    main()
