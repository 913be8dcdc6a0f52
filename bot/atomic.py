"""Files replaced whole or not at all: the index, its shards and the knowledge folder's reports
are written to a temporary file beside their place and moved there only when complete, so a
failed or killed write never leaves half a file where a good one was."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path: Path, prefix: str | None = None, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary file beside ``path`` to write in the block; moved over ``path`` when the block
    ends without error, removed when it does not."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=path.name + "." if prefix is None else prefix, suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
