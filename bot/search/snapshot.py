"""A built index as a file of data only: numpy arrays and one JSON document, in an uncompressed
.npz read with allow_pickle=False. Loading it runs no code from the file, unlike a pickle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from bot.search.index import Codes, SearchIndex
from bot.search.meaning import BYTES

# 1 was a pickle; 4 has every form of an error's message; 5 lengths, no keywords; 6 error keys;
# 7 term frequencies (the impacts are computed on load), terms sorted, entries' stamps;
# 8 meanings
FORMAT = 8
ARRAYS: dict[str, type[np.generic] | tuple[type[np.generic], ...]] = {
    "df": np.int32,
    "offsets": np.int64,
    "post_docs": np.int32,
    "tf": (np.float16, np.float32),
    "title_offsets": np.int64,
    "title_docs": np.int32,
    "title_lengths": np.float32,
    "stamps": np.int64,
    "lengths": np.float32,
}
COLUMNS = ("kinds", "topics", "levels")
ERROR_FORMS = ("error_signatures", "error_keys")


class SnapshotError(ValueError):
    """A file that is not a snapshot of this format, or not a whole one."""


def write_snapshot(index: SearchIndex, file: IO[bytes]) -> None:
    """The index without its texts (most of the bytes: hits read theirs from the store)."""
    meta = {
        "format": FORMAT,
        "ids": index.ids,
        "titles": index.titles,
        "terms": list(index.terms),
        "surface": [index.surface[t] for t in index.terms],
        **{
            name: {str(d): [sorted(s) for s in forms] for d, forms in getattr(index, name).items()}
            for name in ERROR_FORMS
        },
        **{name: getattr(index, name).names for name in COLUMNS},
    }
    arrays = {name: getattr(index, name) for name in ARRAYS}
    arrays |= {f"{name}_codes": getattr(index, name).codes for name in COLUMNS}
    arrays["meanings"] = index.meanings.reshape(-1)
    encoded = json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode()
    np.savez(file, meta=np.frombuffer(encoded, np.uint8), **arrays)


def read_snapshot(path: Path) -> SearchIndex:
    with np.load(path, allow_pickle=False) as stored:
        meta: dict[str, Any] = json.loads(bytes(stored["meta"]))
        if meta.get("format") != FORMAT:
            raise SnapshotError(f"format {meta.get('format')!r}, not {FORMAT}")
        arrays = {name: stored[name] for name in stored.files if name != "meta"}
    index = SearchIndex([])
    index.ids, index.titles, index.texts = meta["ids"], meta["titles"], None
    index.terms = {term: number for number, term in enumerate(meta["terms"])}
    index.surface = dict(zip(meta["terms"], meta["surface"], strict=True))
    for name in ERROR_FORMS:
        setattr(
            index,
            name,
            {int(d): tuple(map(frozenset, forms)) for d, forms in meta[name].items()},
        )
    for name, dtype in ARRAYS.items():
        setattr(index, name, _array(arrays, name, dtype))
    for name in COLUMNS:
        setattr(index, name, Codes.restore(meta[name], _array(arrays, f"{name}_codes", np.int16)))
    meanings = _array(arrays, "meanings", np.uint8)
    if len(meanings) != len(index.ids) * BYTES:
        raise SnapshotError("the meanings do not agree with the entries")
    index.meanings = meanings.reshape(-1, BYTES)
    _check(index)
    index.refresh()
    return index


def _array(
    arrays: dict[str, npt.NDArray[Any]],
    name: str,
    dtype: type[np.generic] | tuple[type[np.generic], ...],
) -> Any:
    allowed = dtype if isinstance(dtype, tuple) else (dtype,)
    found = arrays.get(name)
    if found is None or found.dtype not in allowed or found.ndim != 1:
        raise SnapshotError(f"array {name!r} missing or not {np.dtype(allowed[0]).name}")
    return found


def _check(index: SearchIndex) -> None:
    """The shapes agree, so a search cannot index out of bounds."""
    size, vocabulary = len(index.ids), len(index.terms)
    ok = (
        len(index.titles) == len(index.title_lengths) == len(index.lengths) == size
        and len(index.stamps) == size
        and len(index.surface) == len(index.df) == vocabulary
        and len(index.offsets) == len(index.title_offsets) == vocabulary + 1
        and int(index.offsets[0]) == 0
        and bool(np.all(np.diff(index.offsets) == index.df))
        and int(index.offsets[-1]) == len(index.post_docs) == len(index.tf)
        and int(index.title_offsets[-1]) == len(index.title_docs)
        and all(len(getattr(index, name).codes) == size for name in COLUMNS)
        and all(
            not len(a) or (int(a.min()) >= 0 and int(a.max()) < size)
            for a in (index.post_docs, index.title_docs)
        )
        and all(
            not size or int(c.codes.max()) < len(c.names)
            for c in (index.kinds, index.topics, index.levels)
        )
    )
    if not ok:
        raise SnapshotError("the arrays do not agree with each other")
