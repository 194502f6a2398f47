"""The language server (`ordspec server`): diagnostics, hovers, completion, formatting and fixes in editors.

Nothing here is imported by `ordspec lint`: pygls is an optional extra (`pip install 'ordspec[server]'`).
"""

from __future__ import annotations

import sys

INSTALL = "pip install 'ordspec[server]'"


def main() -> int:
    """Serve LSP on stdin and stdout until the client says exit; 2 if pygls 2 is not installed."""
    try:
        import lsprotocol.types  # noqa: F401
        import pygls.lsp.server  # noqa: F401  (pygls 2's module; 1.x had no pygls.lsp.server)
    except ImportError as e:
        sys.stderr.write(f"ordspec: error: the language server needs pygls 2 ({e}): {INSTALL}\n")
        return 2
    from ordspec.server.lsp import start

    return start()
