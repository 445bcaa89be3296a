"""The AP-WPS Knowledge Graph core: loading, build, stores, validation, reasoning, command line.

This package never imports Flask: the web layer lives in `server/`.
"""

__version__ = "0.1.0"
