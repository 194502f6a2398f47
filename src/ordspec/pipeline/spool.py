"""The requests of a compile, in statement order, as they are built: in a list, or (compile's
output) spooled as JSON to a temporary file, so that 100,000 requests are never held at once and
nothing is written unless the whole run passes.

A statement with an error reported on it is built only once the run has passed (the error may
have been suppressed, as before streaming): it leaves a hole where its requests go.
"""

from __future__ import annotations

import tempfile

from ordspec.compiler.jsonout import member
from ordspec.pipeline import UsageError

_SLICE = 1 << 20  # characters read back at a time
_BETWEEN = ",\n  "  # what dumps(..., indent=2) writes between the members of the top-level array


class Built:
    def __init__(self, spool: bool = False):
        # a request, a hole (a list of requests), or (spooled) the length of a run of members
        self.parts: list = []
        self.file = None
        if spool:
            try:
                self.file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
            except OSError as e:
                raise _cannot(e) from None

    def add(self, request) -> None:
        if self.file is None:
            self.parts.append(request)
            return
        data = member(request.as_dict())
        if self.parts and type(self.parts[-1]) is int:  # the members in a row are one run of characters
            data = _BETWEEN + data
            self.parts[-1] += len(data)
        else:
            self.parts.append(len(data))
        try:
            self.file.write(data)
        except OSError as e:  # (a full disk: nothing is written out, and compile says why)
            raise _cannot(e) from None

    def hole(self) -> list:
        """The place of a statement's requests, built later."""
        found: list = []
        self.parts.append(found)
        return found

    def requests(self) -> list:
        """Every request, in order (not spooled)."""
        out = []
        for part in self.parts:
            if type(part) is list:
                out.extend(part)
            else:
                out.append(part)
        return out

    def write(self, stream) -> None:
        """The JSON array of every request, as dumps() writes it, and a newline (spooled)."""
        self.file.seek(0)
        opened = False
        for part in self.parts:
            if type(part) is list:
                for request in part:
                    stream.write(_BETWEEN if opened else "[\n  ")
                    stream.write(member(request.as_dict()))
                    opened = True
                continue
            stream.write(_BETWEEN if opened else "[\n  ")
            opened = True
            while part > 0:
                data = self.file.read(min(part, _SLICE))
                if not data:
                    raise OSError("the spooled requests are shorter than written")
                part -= len(data)
                stream.write(data)
        stream.write("\n]\n" if opened else "[]\n")

    def close(self) -> None:
        """Remove the temporary file (it has no name: closing it is all)."""
        if self.file is not None:
            self.file.close()



def _cannot(e: OSError) -> UsageError:
    return UsageError(f"cannot keep the requests in a temporary file in {tempfile.gettempdir()} (TMPDIR): {e.strerror or e}")
