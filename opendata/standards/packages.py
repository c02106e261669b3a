"""Read a JSON package a record at a time: its ``grants`` one by one, then the rest of it.

A 360Giving file of 100,000 projects is far larger than what a worker should hold in
memory. ``read_package`` walks the top-level object itself and decodes each grant of the
``grants`` array with the standard library's decoder as soon as it is whole, so only one
grant (and a buffer) is in memory at a time. Any other member is decoded whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

READ_SIZE = 1 << 20
WHITESPACE = " \t\n\r"


class PackageError(ValueError):
    """The file is not a JSON object (or stops before its end)."""


class Streamed:
    """Stands for the ``grants`` array, whose items were yielded one by one."""


class _Buffer:
    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.text = ""
        self.position = 0  # in ``text``
        self.consumed = 0  # characters dropped before ``text``
        self.eof = False
        self.decoder = json.JSONDecoder()
        self._incremental = _utf8()

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(READ_SIZE)
        if not chunk:
            self.eof = True
            self.text += self._incremental.decode(b"", final=True)
            return False
        # Drop what was read already, so the buffer stays the size of a record.
        self.consumed += self.position
        self.text = self.text[self.position :] + self._incremental.decode(chunk)
        self.position = 0
        return True

    def skip_whitespace(self) -> None:
        while True:
            while self.position < len(self.text) and self.text[self.position] in WHITESPACE:
                self.position += 1
            if self.position < len(self.text) or not self._fill():
                return

    def peek(self) -> str:
        self.skip_whitespace()
        if self.position >= len(self.text):
            raise self.error("the file ends too soon")
        return self.text[self.position]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise self.error(f"expected {char!r}")
        self.position += 1

    def value(self) -> Any:
        """Decode the next whole JSON value, reading more until it is certainly complete."""
        self.skip_whitespace()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.position)
            except json.JSONDecodeError as error:
                if self._fill():
                    continue
                raise self.error(error.msg) from error
            # A number at the very end of the buffer may go on in the next chunk.
            if end == len(self.text) and self._fill():
                continue
            self.position = end
            return value

    def error(self, message: str) -> PackageError:
        offset = self.consumed + self.position
        return PackageError(f"{message} (at character {offset})")


def _utf8() -> Any:
    import codecs

    return codecs.getincrementaldecoder("utf-8-sig")()


def read_package(handle: BinaryIO, *, array: str = "grants") -> Iterator[tuple[int | None, Any]]:
    """Yield ``(index, item)`` for each item of the ``array`` member, then ``(None, rest)``.

    ``rest`` is the object's other members, with ``array`` mapped to ``Streamed()`` when it
    was an array read item by item (or to its value when it was something else).
    """
    buffer = _Buffer(handle)
    rest: dict[str, Any] = {}
    try:
        buffer.expect("{")
        if buffer.peek() == "}":
            buffer.position += 1
        else:
            while True:
                key = buffer.value()
                if not isinstance(key, str):
                    raise buffer.error("expected a member's name")
                buffer.expect(":")
                if key == array and buffer.peek() == "[":
                    buffer.position += 1
                    rest[key] = Streamed()
                    index = 0
                    if buffer.peek() == "]":
                        buffer.position += 1
                    else:
                        while True:
                            yield index, buffer.value()
                            index += 1
                            if buffer.peek() == "]":
                                buffer.position += 1
                                break
                            buffer.expect(",")
                else:
                    rest[key] = buffer.value()
                if buffer.peek() == "}":
                    buffer.position += 1
                    break
                buffer.expect(",")
        buffer.skip_whitespace()
        if buffer.position < len(buffer.text):
            raise buffer.error("extra data after the package")
    except UnicodeDecodeError as error:
        raise PackageError(f"not UTF-8 text: {error}") from error
    yield None, rest
