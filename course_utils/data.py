"""Loaders for the datasets shipped in ``data/``. Introduced in 00.

Every loader checks the sha256 of each file against ``data/MANIFEST.json`` before parsing it:
a missing, truncated or altered file is refused with a message that names the file and how
to restore it. Nothing is ever downloaded: ``download()`` fetches a pinned file only when called.
Set ``COURSE_DATA`` to use a ``data/`` folder somewhere else.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import lzma
import os
import re
import socket
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA_ENV = "COURSE_DATA"
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
DOWNLOAD_TIMEOUT_S = 10.0


class DataFileError(ValueError):
    """A data file is present but truncated, altered or unreadable."""


def data_dir() -> Path:
    """The folder the loaders read: ``$COURSE_DATA`` or the repository's ``data/``."""
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else Path(__file__).resolve().parent.parent / "data"


MANIFEST_RESTORE = ("restore it with `git checkout -- data/MANIFEST.json` from the repository root, "
                    "or rebuild the data with `make data`")


def manifest() -> dict:
    """The parsed ``data/MANIFEST.json`` (sha256, size, source, license, citation).

    Raises
    ------
    FileNotFoundError
        The manifest is missing.
    DataFileError
        The manifest is empty, truncated, not JSON, or lacks a well-formed ``files`` table.
    """
    path = data_dir() / "MANIFEST.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: restore it with `git checkout -- data/` from the "
                                f"repository root, or set {DATA_ENV} to the course's data folder.")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(f"{path} is unreadable ({type(error).__name__}): {MANIFEST_RESTORE}.") from error
    if not text.strip():
        raise DataFileError(f"{path} is empty: {MANIFEST_RESTORE}.")
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataFileError(f"{path} is damaged, perhaps truncated (not valid JSON: {error}): "
                            f"{MANIFEST_RESTORE}.") from error
    problem = _manifest_problem(parsed)
    if problem:
        raise DataFileError(f"{path} is damaged ({problem}): {MANIFEST_RESTORE}.")
    return parsed


def _manifest_problem(parsed: object) -> str | None:
    """What is wrong with the structure of a parsed manifest, or None."""
    if not isinstance(parsed, dict) or not isinstance(parsed.get("files"), dict):
        return "no 'files' table"
    for rel, entry in parsed["files"].items():
        if not isinstance(entry, dict):
            return f"the entry for {rel} is not a table"
        digest, size = entry.get("sha256"), entry.get("bytes")
        if not isinstance(digest, str) or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            return f"the sha256 of {rel} is not 64 hex digits"
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            return f"the size of {rel} is not a byte count"
    if not isinstance(parsed.get("remote", {}), dict):
        return "the 'remote' table is not a table"
    return None


def sha256_file(path: Path) -> str:
    """The sha256 hex digest of a file, read in 1 MB blocks (also used by tools/build_data.py)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=None)
def _verified(path: Path, size: int, mtime_ns: int, expected: str, rebuild: str = "make data") -> None:
    """Cached per (path, size, mtime): a file is hashed once per session unless it changes."""
    actual = sha256_file(path)
    if actual != expected:
        rel = _repo_rel(path)
        file_hash, manifest_hash = _distinct_prefixes(actual, expected)
        raise DataFileError(f"{rel} is altered, or its sha256 in data/MANIFEST.json was changed (the file "
                            f"hashes to {file_hash}, the manifest says {manifest_hash}): restore both with "
                            f"`git checkout -- {rel} data/MANIFEST.json` from the repository root, "
                            f"or rebuild with `{rebuild}`.")


def _distinct_prefixes(first: str, second: str, shortest: int = 12) -> tuple[str, str]:
    """Both digests cut short, but long enough to show where they differ (``…`` marks a cut)."""
    differ = next((i for i, (a, b) in enumerate(zip(first, second)) if a != b), min(len(first), len(second)))
    keep = max(shortest, differ + 4)
    return tuple(d if len(d) <= keep else d[:keep] + "…" for d in (first, second))


def _repo_rel(path: Path) -> str:
    try:
        return "data/" + path.relative_to(data_dir()).as_posix()
    except ValueError:
        return str(path)


def verify(rel: str, rebuild: str = "make data") -> Path:
    """Return the path of ``data/<rel>`` after checking its size and sha256 against the manifest.

    ``rebuild`` is the command the messages name for rebuilding the file (checkpoints: ``make checkpoints``).

    Raises
    ------
    FileNotFoundError
        The file is missing.
    DataFileError
        The file is truncated, altered, or not listed in the manifest.
    """
    entry = manifest()["files"].get(rel)
    path = data_dir() / rel
    if entry is None:
        raise DataFileError(f"data/{rel} is not listed in data/MANIFEST.json: rebuild with `{rebuild}`.")
    if not path.exists():
        raise FileNotFoundError(f"data/{rel} is missing: restore it with `git checkout -- data/{rel}` "
                                f"from the repository root, or rebuild it with `{rebuild}`.")
    stat = path.stat()
    if stat.st_size != entry["bytes"]:
        raise DataFileError(f"data/{rel} is truncated or altered ({stat.st_size:,} bytes, expected "
                            f"{entry['bytes']:,}), or its size in data/MANIFEST.json was changed: restore both "
                            f"with `git checkout -- data/{rel} data/MANIFEST.json` or `{rebuild}`.")
    _verified(path, stat.st_size, stat.st_mtime_ns, entry["sha256"], rebuild)
    return path


def _read_xz(rel: str) -> bytes:
    path = verify(rel)
    try:
        return lzma.decompress(path.read_bytes())
    except lzma.LZMAError as error:  # only reachable if the manifest itself was edited
        raise DataFileError(f"data/{rel} is not a valid xz file ({error}): restore it with `make data`.") from error


def _parse_idx(raw: bytes, rel: str) -> np.ndarray:
    """Parse an IDX file (the MNIST format): magic, dimensions, then uint8 values."""
    if len(raw) < 8 or raw[:2] != b"\x00\x00" or raw[2] != 0x08:
        raise DataFileError(f"data/{rel} is not an IDX file of unsigned bytes: restore it with `make data`.")
    ndim = raw[3]
    shape = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
    values = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if values.size != int(np.prod(shape)):
        raise DataFileError(f"data/{rel} holds {values.size} values, its header says {shape}: restore it with `make data`.")
    return values.reshape(shape)


def _read_idx(rel: str) -> np.ndarray:
    """The IDX file data/<rel>, verified at every call, decompressed once per version of the file (read-only)."""
    path = verify(rel)
    stat = path.stat()
    return _decompressed_idx(rel, str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _decompressed_idx(rel: str, path: str, size: int, mtime_ns: int) -> np.ndarray:
    # keyed on the file's path, size and time: a file changed since is read again. Sharing is safe because the
    # arrays are read-only (np.frombuffer on bytes); decompressing Fashion-MNIST takes about 1.5 s
    return _parse_idx(_read_xz(rel), rel)


def _load_idx_dataset(folder: str) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    splits = []
    for prefix in ("train", "t10k"):
        images = _read_idx(f"{folder}/{prefix}-images-idx3-ubyte.xz")
        labels = _read_idx(f"{folder}/{prefix}-labels-idx1-ubyte.xz")
        splits.append((images, labels))
    return splits[0], splits[1]


def load_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST digits, the full original set, like ``keras.datasets.mnist.load_data()``. Introduced in 01.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: uint8 arrays of shape (60000, 28, 28) and (10000, 28, 28), pixel values 0-255.
        y: uint8 arrays of shape (60000,) and (10000,), digits 0-9.
    """
    return _load_idx_dataset("mnist")


def load_fashion_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Fashion-MNIST, the full original set, like ``keras.datasets.fashion_mnist``. Introduced in 00.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: uint8 arrays of shape (60000, 28, 28) and (10000, 28, 28), pixel values 0-255.
        y: uint8 arrays of shape (60000,) and (10000,), class ids 0-9; names in ``FASHION_MNIST_CLASSES``.
    """
    return _load_idx_dataset("fashion-mnist")


def load_shakespeare() -> str:
    """Load Tiny Shakespeare (1,115,394 characters of plays, one string). Introduced in 06."""
    return _read_xz("tinyshakespeare/input.txt.xz").decode("utf-8")


def _novel_text(raw: bytes) -> str:
    # The originals are UTF-8 with a byte-order mark and Windows line ends.
    return raw.decode("utf-8-sig").replace("\r\n", "\n")


def novel_subset(names: list[str]) -> list[str]:
    """The earliest novel of each author among file names ``Author_Title_Year[.txt.xz]``, sorted."""
    earliest: dict[str, tuple[int, str]] = {}
    for name in names:
        match = re.match(r"(.+?)_(.+)_(\d{4})(?:\.txt\.xz)?$", name)
        if match is None:
            raise ValueError(f"{name!r} is not named Author_Title_Year: restore the novels with `make data`.")
        author, _title, year = match.groups()
        if author not in earliest or int(year) < earliest[author][0]:
            earliest[author] = (int(year), name)
    return sorted(name for _year, name in earliest.values())


def load_novels(*, full: bool = False) -> dict[str, str]:
    """Load the English novels corpus (public domain, first published 1839-1889). Introduced in 07.

    Parameters
    ----------
    full : bool, default False
        False: the earliest novel of each of the 23 authors (about 20 MB of text, 3.6 M words).
        True: all 47 novels (about 48 MB of text, 8.7 M words). Both are shipped in ``data/``.

    Returns
    -------
    dict
        ``{"Dickens_Oliver_1839": "text...", ...}`` in file-name order, line ends normalised to ``\\n``.
    """
    files = sorted(Path(rel).name[: -len(".txt.xz")] for rel in manifest()["files"] if rel.startswith("english-novels/"))
    chosen = files if full else novel_subset(files)
    return {name: _novel_text(_read_xz(f"english-novels/{name}.txt.xz")) for name in chosen}


def download(url: str, sha256: str, *, fname: str, cache_dir: str | Path | None = None,
             timeout: float = DOWNLOAD_TIMEOUT_S) -> str:
    """Fetch ``url`` with ``keras.utils.get_file``, pinned to ``sha256``, failing fast offline. Introduced in 07.

    The file is cached; a cached file with the right hash is used without any network access.

    Raises
    ------
    ConnectionError
        The server could not be reached or did not answer within ``timeout`` seconds.
    ValueError
        The downloaded file's sha256 differs from the pinned one (the file is deleted).
    """
    import keras

    cache = Path(cache_dir) if cache_dir is not None else Path.home() / ".keras"
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)  # get_file has no timeout of its own; urllib uses this one
    try:
        return keras.utils.get_file(fname=fname, origin=url, file_hash=sha256, hash_algorithm="sha256",
                                    cache_dir=str(cache), cache_subdir="course_utils")
    except ValueError as error:  # wrong hash
        raise ValueError(f"{url} does not have the pinned sha256 {sha256[:12]}…; the download was "
                         "discarded. The file online has changed: report it to the course maintainers.") from error
    except Exception as error:  # keras wraps URLError/timeouts in a plain Exception
        raise ConnectionError(f"could not download {fname} from {url} within {timeout:g} s ({_reason(error)}): "
                              "are you offline? Everything shipped in data/ works without a network; "
                              "retry when online.") from error
    finally:
        socket.setdefaulttimeout(previous)


def _reason(error: BaseException) -> str:
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__
    return f"{type(error).__name__}: {error}".strip()[:120]


def load_imdb() -> tuple[tuple[list[str], np.ndarray], tuple[list[str], np.ndarray]]:
    """Load the 50,000 labelled IMDB movie reviews (Maas et al. 2011). Introduced in 07.

    Returns
    -------
    (texts_train, y_train), (texts_test, y_test)
        texts: lists of 25,000 review strings (raw, with the original HTML ``<br />`` tags).
        y: int64 arrays of shape (25000,), 1 = positive, 0 = negative.
    """
    splits = []
    for split in ("train", "test"):
        rel = f"imdb/imdb_{split}.csv.xz"
        rows = list(csv.reader(io.StringIO(_read_xz(rel).decode("utf-8"))))
        if rows[0] != ["text", "label"]:
            raise DataFileError(f"data/{rel} does not start with the header text,label: restore it with `make data`.")
        texts = [row[0] for row in rows[1:]]
        labels = np.array([int(row[1]) for row in rows[1:]], dtype=np.int64)
        splits.append((texts, labels))
    return splits[0], splits[1]


def load_uci_sentences() -> tuple[list[str], np.ndarray, list[str]]:
    """Load the 3,000 UCI sentiment-labelled sentences. Introduced in 07.

    Returns
    -------
    texts : list of 3,000 str
    labels : int64 array of shape (3000,), 1 = positive, 0 = negative
    sources : list of 3,000 str, ``"amazon"``, ``"imdb"`` or ``"yelp"``
    """
    texts, labels, sources = [], [], []
    for site, name in (("amazon", "amazon_cells"), ("imdb", "imdb"), ("yelp", "yelp")):
        rel = f"uci-sentiment/{name}_labelled.txt"
        for line in verify(rel).read_text(encoding="utf-8").split("\n"):  # not splitlines(): texts hold \x85
            if line.strip():
                text, label = line.rsplit("\t", 1)
                texts.append(text.strip())
                labels.append(int(label))
                sources.append(site)
    return texts, np.array(labels, dtype=np.int64), sources


def load_membranes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Load the ISBI 2012 EM membrane images of the U-Net paper. Introduced in 09.

    Returns
    -------
    train_images : uint8 array of shape (30, 512, 512), grey values 0-255
    train_masks : uint8 array of shape (30, 512, 512), 1 = membrane, 0 = cell interior
    test_images : uint8 array of shape (30, 512, 512) (their masks were never published)
    """
    from PIL import Image

    def stack(sub: str) -> np.ndarray:
        return np.stack([np.array(Image.open(verify(f"isbi2012-membrane/{sub}/{i}.png")).convert("L"))
                         for i in range(30)])

    masks = stack("train/label")
    # The masks are white (255) for cell interior and black (0) for membrane.
    return stack("train/image"), (masks < 128).astype(np.uint8), stack("test")


def membrane_split() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Split ``load_membranes()``'s 30 masked images: 0-24 to train on, 25-29 held out. Introduced in 09.

    Returns
    -------
    (train_images, train_masks), (held_out_images, held_out_masks)
        uint8 arrays of shape (25, 512, 512) and (5, 512, 512), as ``load_membranes`` gives them: images 0-255,
        masks 1 = membrane, 0 = cell interior. (The challenge's test images have no published masks.)
    """
    images, masks, _ = load_membranes()
    return (images[:25], masks[:25]), (images[25:], masks[25:])


def load_udhr() -> dict[str, str]:
    """Load the Universal Declaration of Human Rights in 20 languages. Introduced in 07.

    Returns
    -------
    dict
        ``{"eng": "Preamble text ...", "ces": "...", ...}``, keyed by ISO 639-3 code (with a variant
        suffix such as ``deu_1996``), each the whole declaration with one paragraph per line.
    """
    rows = csv.DictReader(io.StringIO(verify("udhr/udhr_20langs.tsv").read_text(encoding="utf-8")),
                          delimiter="\t", quoting=csv.QUOTE_NONE)
    texts: dict[str, list[str]] = {}
    for row in rows:
        texts.setdefault(row["lang"], []).append(row["text"])
    return {lang: "\n".join(lines) for lang, lines in texts.items()}
