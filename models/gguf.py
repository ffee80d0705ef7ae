"""Read a GGUF file's header ourselves: magic, version, key/value metadata, tensor table.

We read only what a model picker shows (name, architecture, quantisation, context length,
whether a chat template is embedded, the parameter count as the sum of the tensors' element
counts, and from it the tier, ``core.tiers``) and check that the file is whole: every tensor the
header announces must fit in the file. A missing, truncated or non-GGUF file is refused with
one sentence (``ModelError``), before llama.cpp ever sees it.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from reverie.core.errors import ModelError
from reverie.core.tiers import Tier, tier_for

MAGIC = b"GGUF"
MAX_STRING = 64 * 1024 * 1024  # a longer key or string means the header is damaged
MAX_COUNT = 1 << 32

# value types
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9

# llama.cpp's LLAMA_FTYPE (general.file_type) -> quantisation label
FILE_TYPES = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    19: "IQ2_XXS",
    20: "IQ2_XS",
    21: "Q2_K_S",
    22: "IQ3_XS",
    23: "IQ3_XXS",
    24: "IQ1_S",
    25: "IQ4_NL",
    26: "IQ3_S",
    27: "IQ3_M",
    28: "IQ2_S",
    29: "IQ2_M",
    30: "IQ4_XS",
    31: "IQ1_M",
    32: "BF16",
    36: "TQ1_0",
    37: "TQ2_0",
    38: "MXFP4",
}
# ggml tensor type -> (bytes per block, elements per block), to check the file holds every tensor
TENSOR_TYPES = {
    0: (4, 1),
    1: (2, 1),
    2: (18, 32),
    3: (20, 32),
    6: (22, 32),
    7: (24, 32),
    8: (34, 32),
    9: (36, 32),
    10: (84, 256),
    11: (110, 256),
    12: (144, 256),
    13: (176, 256),
    14: (210, 256),
    15: (292, 256),
    16: (66, 256),
    17: (74, 256),
    18: (98, 256),
    19: (50, 256),
    20: (18, 32),
    21: (110, 256),
    22: (82, 256),
    23: (136, 256),
    24: (1, 1),
    25: (2, 1),
    26: (4, 1),
    27: (8, 1),
    28: (8, 1),
    29: (56, 256),
    30: (2, 1),
    34: (54, 256),
    35: (66, 256),
    39: (17, 32),
}
_QUANT_IN_NAME = re.compile(r"(?i)(?:^|[-_.])((?:IQ|Q)\d(?:_[A-Z0-9]+)*|BF16|F16|F32)(?=[-_.]|$)")
WANTED = ("general.architecture", "general.name", "general.file_type", "general.alignment", "tokenizer.chat_template")


@dataclass(frozen=True)
class GgufInfo:
    name: str
    path: Path
    size_bytes: int
    quantization: str
    context_length: int
    architecture: str
    source: str = "file"  # "default" | "lmstudio" | "ollama" | "folder" | "file"
    has_chat_template: bool = False
    parameters: int | None = None  # the sum of the tensors' element counts; None if not read

    @property
    def tier(self) -> Tier:
        """What this model can be trusted with (``core.tiers``), from its parameter count."""
        return tier_for(self.parameters, self.size_bytes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": str(self.path),
            "size_bytes": self.size_bytes,
            "quantization": self.quantization,
            "context_length": self.context_length,
            "architecture": self.architecture,
            "source": self.source,
            "has_chat_template": self.has_chat_template,
            "parameters": self.parameters,
            "tier": self.tier,
        }


class _TruncatedError(Exception):
    pass


class _Reader:
    def __init__(self, fh: BinaryIO, version: int) -> None:
        self.fh = fh
        self.v1 = version == 1

    def take(self, n: int) -> bytes:
        data = self.fh.read(n)
        if len(data) != n:
            raise _TruncatedError
        return data

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def count(self) -> int:
        n = self.unpack("<I" if self.v1 else "<Q")
        if n > MAX_COUNT:
            raise ValueError("count")
        return n

    def string(self) -> str:
        n = self.count()
        if n > MAX_STRING:
            raise ValueError("string length")
        return self.take(n).decode("utf-8", errors="replace")

    def skip_string(self) -> None:
        n = self.count()
        if n > MAX_STRING:
            raise ValueError("string length")
        self.fh.seek(n, 1)

    def value(self, vtype: int, keep: bool) -> Any:
        if vtype in _SCALARS:
            return self.unpack(_SCALARS[vtype])
        if vtype == _STRING:
            if keep:
                return self.string()
            self.skip_string()
            return None
        if vtype == _ARRAY:
            itype = self.unpack("<I")
            n = self.count()
            if itype in _SCALARS:
                size = struct.calcsize(_SCALARS[itype]) * n
                self.fh.seek(size, 1)
            elif itype == _STRING:
                for _ in range(n):
                    self.skip_string()
            else:
                raise ValueError("nested array")
            return None
        raise ValueError(f"value type {vtype}")


def _sentence(path: Path, why: str) -> ModelError:
    return ModelError(f"{path.name} cannot be used as a chat model: {why}.")


def read_gguf_header(path: str | Path, *, source: str = "file", name: str | None = None) -> GgufInfo:
    """Parse a GGUF header; raise ``ModelError`` (one sentence) for a missing, unreadable,
    non-GGUF or truncated file."""
    path = Path(path).expanduser()
    if not path.exists():
        raise ModelError(f"The model file {path} does not exist.")
    if path.is_dir():
        raise ModelError(f"{path} is a folder, not a GGUF model file.")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            return _parse(fh, path, size, source, name)
    except OSError as exc:
        raise ModelError(f"Reverie cannot read the model file {path}: {exc.strerror or exc}.") from exc


def _parse(fh: BinaryIO, path: Path, size: int, source: str, name: str | None) -> GgufInfo:
    head = fh.read(8)
    if len(head) < 8 or head[:4] != MAGIC:
        raise _sentence(path, "it is not a GGUF file (llama.cpp models end in .gguf and start with 'GGUF')")
    version = struct.unpack("<I", head[4:8])[0]
    if version not in (1, 2, 3):
        raise _sentence(path, f"it uses GGUF version {version}, which this Reverie cannot read")
    r = _Reader(fh, version)
    meta: dict[str, Any] = {}
    try:
        n_tensors = r.count()
        n_kv = r.count()
        for _ in range(n_kv):
            key = r.string()
            vtype = r.unpack("<I")
            keep = key in WANTED or key.endswith(".context_length")
            val = r.value(vtype, keep)
            if keep:
                meta[key] = val
        end = 0
        last_type, last_elems = None, 0
        parameters = 0
        for _ in range(n_tensors):
            r.skip_string()
            n_dims = r.unpack("<I")
            if n_dims > 8:
                raise ValueError("dims")
            elems = 1
            for _ in range(n_dims):
                elems *= r.count()
            parameters += elems
            ttype = r.unpack("<I")
            offset = r.unpack("<Q")
            if offset >= end:
                end, last_type, last_elems = offset, ttype, elems
        align = int(meta.get("general.alignment") or 32)
        data_start = -(-fh.tell() // align) * align
    except _TruncatedError:
        raise _sentence(path, "the file is truncated (its header ends early); download it again") from None
    except (ValueError, struct.error, UnicodeError):
        raise _sentence(path, "its header is damaged") from None
    tail = 0
    if last_type in TENSOR_TYPES:
        nbytes, block = TENSOR_TYPES[last_type]
        tail = -(-last_elems // block) * nbytes
    if n_tensors and data_start + end + tail > size:
        raise _sentence(path, "the file is truncated (it is smaller than its tensors); download it again")
    arch = str(meta.get("general.architecture") or "unknown")
    ctx = int(meta.get(f"{arch}.context_length") or 0)
    if not ctx:
        ctx = next((int(v) for k, v in meta.items() if k.endswith(".context_length") and v), 0)
    ftype = meta.get("general.file_type")
    quant = FILE_TYPES.get(int(ftype), f"type {ftype}") if ftype is not None else _quant_from_name(path.name)
    return GgufInfo(
        name=name or str(meta.get("general.name") or path.stem),
        path=path,
        size_bytes=size,
        quantization=quant,
        context_length=ctx,
        architecture=arch,
        source=source,
        has_chat_template=bool(meta.get("tokenizer.chat_template")),
        parameters=parameters or None,
    )


def _quant_from_name(filename: str) -> str:
    m = _QUANT_IN_NAME.search(Path(filename).stem)
    return m.group(1).upper() if m else "unknown"


def is_gguf(path: Path) -> bool:
    """A cheap check (the magic only), for scanning folders."""
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == MAGIC
    except OSError:
        return False
