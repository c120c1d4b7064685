import hashlib
import json
import lzma
import socket
import threading
import time
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path

import numpy as np
import pytest

import course_utils as cu
from course_utils import data

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("loader", [cu.load_mnist, cu.load_fashion_mnist])
def test_idx_loaders_shapes_and_dtypes(loader):
    (x_train, y_train), (x_test, y_test) = loader()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert set(np.unique(y_train)) == set(range(10))
    assert np.bincount(y_test).min() > 800   # every class present in the test split


def test_idx_loader_decompresses_once_and_still_refuses_a_file_altered_since():
    first, second = cu.load_mnist(), cu.load_mnist()
    assert first[0][0] is second[0][0]              # the decompressed arrays are shared between calls ...
    assert not first[0][0].flags.writeable          # ... which is safe because nobody can change them in place
    with pytest.raises(ValueError, match="read-only"):
        first[0][0][0, 0, 0] = 1


def test_idx_file_altered_after_a_first_load_is_refused(data_copy):
    rel = "mnist/t10k-labels-idx1-ubyte.xz"
    folder = data_copy(*[f"mnist/{p}-{k}.xz" for p in ("train", "t10k") for k in ("images-idx3-ubyte", "labels-idx1-ubyte")])
    cu.load_mnist()   # decompressed and kept
    raw = bytearray((folder / rel).read_bytes())
    raw[100] ^= 0xFF
    (folder / rel).write_bytes(bytes(raw))
    with pytest.raises(cu.DataFileError, match="t10k-labels-idx1-ubyte.xz is altered"):
        cu.load_mnist()


def test_fashion_mnist_class_names():
    assert len(cu.FASHION_MNIST_CLASSES) == 10 and cu.FASHION_MNIST_CLASSES[9] == "Ankle boot"


def test_text_loaders():
    text = cu.load_shakespeare()
    assert len(text) == 1_115_394 and text.startswith("First Citizen:")
    novels = cu.load_novels()
    assert len(novels) == 23 and "Dickens_Oliver_1839" in novels and "Dickens_Bleak_1853" not in novels
    assert all("\r" not in t and not t.startswith("\ufeff") for t in novels.values())
    udhr = cu.load_udhr()
    assert len(udhr) == 20 and "human rights" in udhr["eng"].lower()


def test_imdb_and_uci_sentences():
    (texts_train, y_train), (texts_test, y_test) = cu.load_imdb()
    assert len(texts_train) == len(texts_test) == 25000
    assert y_train.dtype == np.int64 and y_train.mean() == 0.5 and y_test.mean() == 0.5
    texts, labels, sources = cu.load_uci_sentences()
    assert len(texts) == len(labels) == len(sources) == 3000 and set(sources) == {"amazon", "imdb", "yelp"}
    assert set(labels) == {0, 1}


def test_membranes():
    images, masks, test_images = cu.load_membranes()
    assert images.shape == masks.shape == test_images.shape == (30, 512, 512)
    assert set(np.unique(masks)) == {0, 1} and 0.1 < masks.mean() < 0.4   # membranes are the thin minority


def test_membrane_split_holds_out_the_last_five_training_images():
    (train_images, train_masks), (held_out_images, held_out_masks) = cu.membrane_split()
    assert train_images.shape == train_masks.shape == (25, 512, 512)
    assert held_out_images.shape == held_out_masks.shape == (5, 512, 512)
    assert all(a.dtype == np.uint8 for a in (train_images, train_masks, held_out_images, held_out_masks))
    assert set(np.unique(train_masks)) == set(np.unique(held_out_masks)) == {0, 1}
    images, masks, _ = cu.load_membranes()
    np.testing.assert_array_equal(np.concatenate([train_images, held_out_images]), images)   # all 30, in order
    np.testing.assert_array_equal(np.concatenate([train_masks, held_out_masks]), masks)
    assert not np.shares_memory(train_images, held_out_images) and not np.shares_memory(train_masks, held_out_masks)
    assert not any(np.array_equal(held, train) for held in held_out_images for train in train_images)   # disjoint


def test_manifest_lists_every_shipped_file_and_nothing_else():
    manifest = data.manifest()
    on_disk = {p.relative_to(ROOT / "data").as_posix() for p in (ROOT / "data").rglob("*") if p.is_file()}
    assert on_disk - {"MANIFEST.json"} == set(manifest["files"])
    total = sum(entry["bytes"] for entry in manifest["files"].values())
    assert total < 110e6                     # DESIGN.md: data/ under 110 MB, checkpoints included
    for entry in manifest["files"].values():
        dataset = manifest["datasets"][entry["dataset"]]
        assert dataset["source"] and dataset["license"] and dataset["citation"]


def test_pinned_remote_hashes_match_the_shipped_novels():
    manifest = data.manifest()
    shipped = [rel for rel in manifest["files"] if rel.startswith("english-novels/")]
    for rel in shipped:
        original = lzma.decompress((ROOT / "data" / rel).read_bytes())
        assert hashlib.sha256(original).hexdigest() == manifest["remote"][rel[: -len(".xz")]]["sha256"]


REL = "tinyshakespeare/input.txt.xz"


def test_altered_file_is_refused(data_copy):
    folder = data_copy(REL)
    raw = bytearray((folder / REL).read_bytes())
    raw[1000] ^= 0xFF   # same size, one byte changed
    (folder / REL).write_bytes(bytes(raw))
    with pytest.raises(cu.DataFileError, match=r"tinyshakespeare/input.txt.xz is altered.*git checkout"):
        cu.load_shakespeare()


def test_truncated_file_is_refused(data_copy):
    folder = data_copy(REL)
    raw = (folder / REL).read_bytes()
    (folder / REL).write_bytes(raw[: len(raw) // 2])
    with pytest.raises(cu.DataFileError, match=r"input.txt.xz is truncated .*expected"):
        cu.load_shakespeare()


def test_missing_file_is_named(data_copy):
    data_copy()
    with pytest.raises(FileNotFoundError, match=r"data/tinyshakespeare/input.txt.xz is missing.*git checkout"):
        cu.load_shakespeare()


def test_missing_manifest_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="MANIFEST.json is missing"):
        cu.load_shakespeare()


def test_idx_file_that_disagrees_with_its_header_is_refused(data_copy, edit_manifest):
    rels = [f"mnist/{p}-{k}.xz" for p in ("train", "t10k") for k in ("images-idx3-ubyte", "labels-idx1-ubyte")]
    folder = data_copy(*rels)
    rel = "mnist/t10k-labels-idx1-ubyte.xz"
    bad = lzma.compress(b"\x00\x00\x08\x01\x00\x00\x27\x10" + bytes(50))   # says 10,000 labels, holds 50
    (folder / rel).write_bytes(bad)

    def accept(manifest):  # as if someone had rebuilt the manifest over a broken file
        manifest["files"][rel].update(sha256=hashlib.sha256(bad).hexdigest(), bytes=len(bad))

    edit_manifest(folder, accept)
    with pytest.raises(cu.DataFileError, match=r"holds 50 values, its header says \(10000,\)"):
        cu.load_mnist()


# --- downloads: only on request, pinned hash, fail fast offline ---------------------------------

@pytest.fixture
def http_server(tmp_path):
    """Serve tmp_path/www on 127.0.0.1 in a thread."""
    www = tmp_path / "www"
    www.mkdir()
    server = HTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def silent_server():
    """A port that accepts connections but never answers (like a black-holed proxy)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


def test_download_with_pinned_hash(http_server, tmp_path):
    www, url = http_server
    payload = b"a small file\n" * 100
    (www / "file.txt").write_bytes(payload)
    path = cu.download(f"{url}/file.txt", hashlib.sha256(payload).hexdigest(), fname="file.txt",
                       cache_dir=tmp_path / "cache")
    assert Path(path).read_bytes() == payload


def test_download_with_wrong_hash_is_refused(http_server, tmp_path):
    www, url = http_server
    (www / "file.txt").write_bytes(b"tampered")
    with pytest.raises(ValueError, match="pinned sha256"):
        cu.download(f"{url}/file.txt", "0" * 64, fname="file.txt", cache_dir=tmp_path / "cache")


def test_download_from_silent_server_fails_fast(silent_server, tmp_path):
    start = time.monotonic()
    with pytest.raises(ConnectionError, match="are you offline"):
        cu.download(f"{silent_server}/x.txt", "0" * 64, fname="x.txt", cache_dir=tmp_path, timeout=2)
    assert time.monotonic() - start < 6


def test_default_download_timeout_is_at_most_10_s():
    assert data.DOWNLOAD_TIMEOUT_S <= 10


def test_download_refused_connection_fails_fast(tmp_path):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()   # nothing listens here now
    start = time.monotonic()
    with pytest.raises(ConnectionError, match="could not download"):
        cu.download(f"http://127.0.0.1:{port}/x", "0" * 64, fname="x", cache_dir=tmp_path)
    assert time.monotonic() - start < 10


def test_full_novels_are_shipped_and_the_default_is_one_per_author():
    everything = cu.load_novels(full=True)
    assert len(everything) == 47 and list(everything) == sorted(everything)
    subset = cu.load_novels()
    assert set(subset) == set(data.novel_subset(list(everything))) and set(subset) < set(everything)
    assert subset["Dickens_Oliver_1839"] == everything["Dickens_Oliver_1839"]


def test_novel_subset_keeps_each_authors_earliest_novel():
    names = ["Dickens_Bleak_1853.txt.xz", "Dickens_Oliver_1839.txt.xz", "Eliot_Adam_1859.txt.xz",
             "Eliot_Daniel_1876.txt.xz", "Ward_Milly_1881"]
    assert data.novel_subset(names) == ["Dickens_Oliver_1839.txt.xz", "Eliot_Adam_1859.txt.xz", "Ward_Milly_1881"]
    with pytest.raises(ValueError, match="'notes.txt' is not named Author_Title_Year"):
        data.novel_subset(["notes.txt"])


# --- a damaged manifest is blamed, not the data ---------------------------------------------------

def _change_one_digit(digest: str) -> str:
    return ("1" if digest[20] != "1" else "2").join((digest[:20], digest[21:]))


@pytest.mark.parametrize("damage, says", [
    (lambda text: text[: len(text) // 2], "is damaged, perhaps truncated (not valid JSON"),
    (lambda text: "", "is empty"),
    (lambda text: "   \n", "is empty"),
    (lambda text: "[]", "is damaged (no 'files' table)"),
])
def test_damaged_manifest_is_explained_in_one_line(data_copy, damage, says):
    folder = data_copy(REL)
    path = folder / "MANIFEST.json"
    path.write_text(damage(path.read_text()))
    with pytest.raises(cu.DataFileError) as caught:
        cu.load_shakespeare()
    message = str(caught.value)
    assert "MANIFEST.json " + says in message
    assert "git checkout -- data/MANIFEST.json" in message and "\n" not in message


def test_manifest_with_a_bad_hash_format_is_blamed(data_copy, edit_manifest):
    folder = data_copy(REL)
    edit_manifest(folder, lambda m: m["files"][REL].update(sha256=m["files"][REL]["sha256"][:-1]))
    with pytest.raises(cu.DataFileError, match=rf"MANIFEST.json is damaged \(the sha256 of {REL} is not 64 hex"):
        cu.load_shakespeare()


def test_changed_digit_in_manifest_names_file_and_manifest(data_copy, edit_manifest):
    folder = data_copy(REL)
    edit_manifest(folder, lambda m: m["files"][REL].update(sha256=_change_one_digit(m["files"][REL]["sha256"])))
    with pytest.raises(cu.DataFileError) as caught:
        cu.load_shakespeare()
    message = str(caught.value)
    assert f"data/{REL} is altered, or its sha256 in data/MANIFEST.json was changed" in message
    assert f"git checkout -- data/{REL} data/MANIFEST.json" in message and "\n" not in message


def test_changed_size_in_manifest_names_file_and_manifest(data_copy, edit_manifest):
    folder = data_copy(REL)
    edit_manifest(folder, lambda m: m["files"][REL].update(bytes=m["files"][REL]["bytes"] + 1))
    with pytest.raises(cu.DataFileError, match=r"or its size in data/MANIFEST.json was changed: restore both"):
        cu.load_shakespeare()


def test_hash_message_shows_where_the_two_hashes_differ(data_copy, edit_manifest):
    folder = data_copy(REL)
    true_hash = data.manifest()["files"][REL]["sha256"]
    changed = true_hash[:-1] + ("0" if true_hash[-1] != "0" else "1")   # the last digit: past any short prefix
    edit_manifest(folder, lambda m: m["files"][REL].update(sha256=changed))
    with pytest.raises(cu.DataFileError) as caught:
        cu.load_shakespeare()
    assert f"the file hashes to {true_hash}, the manifest says {changed}" in str(caught.value)
