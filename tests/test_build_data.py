"""The data build script: deterministic output, its subset rule, and refusal of altered originals."""
import lzma
import sys

import pytest

from tools import build_data


def test_xz_output_is_deterministic_and_lossless(tmp_path):
    payload = bytes(range(256)) * 1000
    build_data.write_xz(payload, tmp_path / "a.xz")
    build_data.write_xz(payload, tmp_path / "b.xz")
    assert (tmp_path / "a.xz").read_bytes() == (tmp_path / "b.xz").read_bytes()
    assert lzma.decompress((tmp_path / "a.xz").read_bytes()) == payload


def test_altered_original_is_refused(tmp_path):
    (tmp_path / "x.txt").write_bytes(b"original")
    (tmp_path / "SHA256SUMS").write_text(f"{'0' * 64}  x.txt\n")
    with pytest.raises(SystemExit, match="x.txt: sha256 differs"):
        build_data.check_sources(tmp_path)
