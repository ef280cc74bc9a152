"""What a text is about, as 256 bits, to re-rank what the words found.

Words alone cannot tell that "remove repeated rows" asks for the entry on deduplicating, or
that "the effect never stops" is about cleanup functions: the query and the entry share too
few words. A general model of English that has seen such pairs can. WordLlama's token embeddings
(MIT, shipped inside the `wordllama` wheel, so nothing is downloaded) are averaged over a text;
an entry keeps only the signs of its 256 numbers (32 bytes, 3 MB for 100k entries). A query's
vector is compared with those signs, for the best hundred candidates only (index.py): the model
re-ranks, it never finds an entry the words did not.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from bot.search.query import MAX_QUERY_CHARS

BITS = 256
BYTES = BITS // 8
# An entry's vector: its title, tags and the ways people ask for it, and the start of its text,
# which says what it is about.
TITLE_SHARE = 0.3
BODY_CHARS = 600
# Stored meanings made another way, or by another release of the model, are made again
# (service.py).
RECIPE = (
    f"wordllama-{version('wordllama')}-l2-supercat-{BITS}"
    f"/title{TITLE_SHARE}-body{BODY_CHARS}-asked/1"
)
# Texts tokenized at a time (in parallel, by the tokenizers library): a thousand cost 100 MB.
BATCH = 100

FloatArray = npt.NDArray[np.float32]
Bits = npt.NDArray[np.uint8]


class Model:
    """Token embeddings averaged over a text, as a unit vector."""

    def __init__(self, folder: Path) -> None:
        self.tokenizer = Tokenizer.from_file(
            str(folder / "tokenizers" / "l2_supercat_tokenizer_config.json")
        )
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        # The tokenizer has no pre-tokenizer: a whole text is one "word" to BPE, and its word
        # cache would keep up to 10,000 texts (5 MB more every 2,000 new ones while meanings
        # are made); a text is never tokenized twice, so nothing is cached.
        resize_cache = getattr(self.tokenizer.model, "_resize_cache", None)
        if resize_cache is not None:
            resize_cache(0)
        self.embedding = mapped(folder / "weights" / f"l2_supercat_{BITS}.safetensors")

    def vectors(self, texts: Sequence[str]) -> FloatArray:
        out = np.zeros((len(texts), BITS), np.float32)
        for start in range(0, len(texts), BATCH):
            batch = list(texts[start : start + BATCH])
            encoded = self.tokenizer.encode_batch_fast(batch, add_special_tokens=False)
            for row, encoding in enumerate(encoded, start):
                if encoding.ids:
                    out[row] = self.embedding[encoding.ids].mean(axis=0, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        unit: FloatArray = np.divide(out, norms, out=out, where=norms > 0)
        return unit


def mapped(path: Path, name: str = "embedding.weight") -> npt.NDArray[np.float16]:
    """A float16 tensor of a safetensors file (an 8-byte header length, a JSON header, the
    data), mapped rather than read: a process that only embeds queries touches a few rows of
    the 16 MB, and only those take memory."""
    with path.open("rb") as file:
        length = int.from_bytes(file.read(8), "little")
        header = json.loads(file.read(length))
    tensor = header[name]
    if tensor["dtype"] != "F16" or len(tensor["shape"]) != 2:
        raise ValueError(f"{path}: {name} is not a float16 matrix")
    start, _ = tensor["data_offsets"]
    return np.memmap(path, np.float16, "r", offset=8 + length + start, shape=tuple(tensor["shape"]))


@functools.cache
def model() -> Model:
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the wordllama package is not installed")
    return Model(Path(next(iter(spec.submodule_search_locations))))


class Described(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def asked_as(self) -> tuple[str, ...]: ...
    @property
    def text(self) -> str: ...


def meanings(entries: Sequence[Described]) -> Bits:
    """Each entry's meaning as BYTES bytes: the signs of the vectors of its title (with its
    tags and the ways people ask for it) and of the start of its text, mixed."""
    if not entries:
        return np.zeros((0, BYTES), np.uint8)
    embed = model().vectors
    titles = embed([" ".join((e.title, *e.tags, *e.asked_as)) for e in entries])
    bodies = embed([f"{e.title}. {e.text[:BODY_CHARS]}" for e in entries])
    return np.packbits(TITLE_SHARE * titles + (1 - TITLE_SHARE) * bodies > 0, axis=1)


def query_vector(text: str) -> FloatArray:
    vector: FloatArray = model().vectors([text[:MAX_QUERY_CHARS]])[0]
    return vector


def similarity(bits: Bits, vector: FloatArray) -> FloatArray:
    """How close each stored meaning is to a query's vector, from -1 to 1."""
    signs = np.unpackbits(bits, axis=1).astype(np.float32) * 2 - 1
    scores: FloatArray = signs @ vector / np.float32(np.sqrt(BITS))
    return scores
