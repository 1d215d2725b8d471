"""Read the public training sets in ``../shared/datasets`` into one list of ``Example``.

Label mapping follows each folder's SOURCE.md. Personal data (authors, @handles) is dropped
or replaced by a placeholder here, so nothing downstream ever sees it.
"""

from __future__ import annotations

import csv
import hashlib
import html
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from classifiers.group_terms import GROUP_TERMS

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = Path(os.environ.get("MODERATION_DATA_DIR") or REPO_ROOT.parent / "shared" / "datasets")

# Netifier's `radikalisme` marks extremist political/religious content, not abusive language.
# Policy: rows whose ONLY positive label is radikalisme are dropped from toxicity training
# (neither toxic nor clean); rows with another label keep that label's mapping.
RADIKALISME_POLICY = "drop rows labelled only radikalisme; otherwise ignore the radikalisme column"

LABEL_MAPPING = {
    "davidson-hate-offensive-en": "toxicity = class in {0,1}; identity_hate = class 0",
    "olid-offensive-en": "toxicity = label 1",
    "hasoc2019-en": "toxicity = task_1 HOF; identity_hate = task_2 HATE and the text names a group "
    "(classifiers.group_terms); HATE rows naming no group are left out of identity_hate (a sample "
    "of them is mostly political abuse of individuals, e.g. #TrumpIsATraitor); other rows 0",
    "id-multilabel-hate-abusive": "toxicity = HS or Abusive; identity_hate = HS and any of "
    "HS_Religion/HS_Race/HS_Gender, or HS and HS_Group and HS_Physical/HS_Other (HS_Physical aimed "
    "at an individual, e.g. 'picek', 'jelek', is a personal insult, not hate against a group)",
    "netifier-id": "toxicity = sara or pencemaran_nama_baik or pornografi; identity_hate = sara; "
    + RADIKALISME_POLICY,
    "id-hatespeech-facebook": "toxicity = label 1",
    "youtube-spam-collection": "spam = CLASS 1",
    "sms-spam-collection-uci": "spam = 'spam'",
    "judol-youtube-comments-id": "spam = label 1; gambling = label 1 (silver labels)",
}

_WORDS_RE = re.compile(r"[a-z]+")
_HANDLE_RE = re.compile(r"(?<![\w@])@\w{1,40}")
_BYTE_ESCAPES_RE = re.compile(r"(?:\\x[0-9a-fA-F]{2})+")
_CSV_LIMIT = 10_000_000


@dataclass(frozen=True)
class Example:
    """One labelled text from one source for one task."""

    text: str
    source: str
    language: str
    task: str
    label: int
    identity_hate: int | None = None
    gambling: int | None = None


def _anonymise(text: str) -> str:
    """Replace @handles with a neutral placeholder (personal data)."""
    return _HANDLE_RE.sub("@user", text)


def _decode_byte_escapes(match: re.Match[str]) -> str:
    raw = bytes(int(h, 16) for h in match.group(0).split("\\x")[1:])
    return raw.decode("utf-8", errors="ignore")


def _clean_ibrohim(text: str) -> str:
    """Undo the literal '\\n' / '\\xf0..' escapes and map USER/URL placeholders."""
    text = _BYTE_ESCAPES_RE.sub(_decode_byte_escapes, text.replace("\\n", " "))
    text = re.sub(r"\bRT USER:", " ", text)
    text = re.sub(r"\bUSER\b", "@user", text)
    return re.sub(r"\bURL\b", "http://url.invalid", text)


def _csv_rows(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> Iterator[dict[str, str]]:
    csv.field_size_limit(_CSV_LIMIT)
    with path.open(encoding=encoding, newline="") as fh:
        yield from csv.DictReader(fh, delimiter=delimiter)


def _davidson(d: Path) -> Iterator[Example]:
    for row in _csv_rows(d / "labeled_data.csv"):
        cls = int(row["class"])
        text = _anonymise(html.unescape(row["tweet"]))
        yield Example(text, d.name, "en", "toxicity", int(cls in (0, 1)), identity_hate=int(cls == 0))


def _olid(d: Path) -> Iterator[Example]:
    for split in ("train", "val", "test"):
        texts = (d / f"{split}_text.txt").read_text(encoding="utf-8").splitlines()
        labels = (d / f"{split}_labels.txt").read_text(encoding="utf-8").split()
        for raw, label in zip(texts, labels, strict=True):
            text = raw.replace("URL", "http://url.invalid")
            yield Example(_anonymise(text), d.name, "en", "toxicity", int(label))


def _hasoc(d: Path) -> Iterator[Example]:
    for name in ("english_dataset.tsv", "hasoc2019_en_test-2919.tsv"):
        for row in _csv_rows(d / name, delimiter="\t"):
            text = _anonymise(row["text"])
            # HATE is broader than identity hate (mostly political abuse of individuals): only HATE
            # rows naming a group count as identity_hate; other HATE rows are unknown (None).
            hate = row["task_2"] == "HATE"
            group = hate and bool(GROUP_TERMS.intersection(_WORDS_RE.findall(text.lower())))
            ih = 1 if group else (None if hate else 0)
            yield Example(text, d.name, "en", "toxicity", int(row["task_1"] == "HOF"), identity_hate=ih)


def _ibrohim(d: Path) -> Iterator[Example]:
    for row in _csv_rows(d / "re_dataset.csv", encoding="latin-1"):
        hs, ab = int(row["HS"]), int(row["Abusive"])
        group = bool(hs) and any(int(row[k]) for k in ("HS_Religion", "HS_Race", "HS_Gender"))
        # Physical / other hate counts only when aimed at a group: aimed at an individual it is
        # a personal insult ("picek", "budek", "jelek"), not hate against a group.
        group = group or bool(hs and int(row["HS_Group"]) and (int(row["HS_Physical"]) or int(row["HS_Other"])))
        text = _clean_ibrohim(row["Tweet"])
        yield Example(text, d.name, "id", "toxicity", int(hs or ab), identity_hate=int(bool(group)))


def _netifier(d: Path) -> Iterator[Example]:
    for name in ("train.csv", "test.csv"):
        for row in _csv_rows(d / name):
            labels = {k: int(row[k]) for k in ("pornografi", "sara", "radikalisme", "pencemaran_nama_baik")}
            toxic = labels["sara"] or labels["pencemaran_nama_baik"] or labels["pornografi"]
            if labels["radikalisme"] and not toxic:
                continue
            text = _anonymise(row["original_text"].replace("\\n", " "))
            yield Example(text, d.name, "id", "toxicity", int(toxic), identity_hate=labels["sara"])


def _facebook(d: Path) -> Iterator[Example]:
    for row in _csv_rows(d / "dataset.csv"):
        yield Example(_anonymise(row["text"]), d.name, "id", "toxicity", int(row["label"]))


def _youtube(d: Path) -> Iterator[Example]:
    for path in sorted(d.glob("Youtube0*.csv")):
        for row in _csv_rows(path):  # AUTHOR and DATE are dropped (personal data)
            yield Example(_anonymise(row["CONTENT"]), d.name, "en", "spam", int(row["CLASS"]), gambling=0)


def _sms(d: Path) -> Iterator[Example]:
    for line in (d / "SMSSpamCollection").read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition("\t")
        if text:
            yield Example(text, d.name, "en", "spam", int(label == "spam"), gambling=0)


def _judol(d: Path) -> Iterator[Example]:
    for row in _csv_rows(d / "dataset.csv"):  # author is dropped (personal data)
        label = int(row["label"])
        yield Example(_anonymise(row["comment"]), d.name, "id", "spam", label, gambling=label)


READERS = {
    "davidson-hate-offensive-en": _davidson,
    "olid-offensive-en": _olid,
    "hasoc2019-en": _hasoc,
    "id-multilabel-hate-abusive": _ibrohim,
    "netifier-id": _netifier,
    "id-hatespeech-facebook": _facebook,
    "youtube-spam-collection": _youtube,
    "sms-spam-collection-uci": _sms,
    "judol-youtube-comments-id": _judol,
}
SLANG_FILE = ("id-multilabel-hate-abusive", "new_kamusalay.csv")
USED_FILES = {
    "davidson-hate-offensive-en": ["labeled_data.csv"],
    "olid-offensive-en": [f"{s}_{k}.txt" for s in ("train", "val", "test") for k in ("text", "labels")],
    "hasoc2019-en": ["english_dataset.tsv", "hasoc2019_en_test-2919.tsv"],
    "id-multilabel-hate-abusive": ["re_dataset.csv", "new_kamusalay.csv"],
    "netifier-id": ["train.csv", "test.csv"],
    "id-hatespeech-facebook": ["dataset.csv"],
    "youtube-spam-collection": [f"Youtube0{i}-{n}.csv" for i, n in
                                enumerate(["Psy", "KatyPerry", "LMFAO", "Eminem", "Shakira"], 1)],
    "sms-spam-collection-uci": ["SMSSpamCollection"],
    "judol-youtube-comments-id": ["dataset.csv"],
}


def load_corpus(data_dir: Path = DEFAULT_DATA_DIR, sources: list[str] | None = None) -> list[Example]:
    """Read every known source folder present under ``data_dir`` into ``Example`` rows."""
    data_dir = Path(data_dir)
    out: list[Example] = []
    for name, reader in READERS.items():
        if sources is not None and name not in sources:
            continue
        if (data_dir / name).is_dir():
            out.extend(ex for ex in reader(data_dir / name) if ex.text.strip())
    if not out:
        raise FileNotFoundError(f"no known dataset folders under {data_dir}")
    return out


def load_slang(data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, str]:
    """Read the new_kamusalay.csv slang -> standard pairs (latin-1, no header)."""
    path = Path(data_dir).joinpath(*SLANG_FILE)
    if not path.exists():
        return {}
    mapping: dict[str, str] = {}
    with path.open(encoding="latin-1", newline="") as fh:
        for row in csv.reader(fh):
            if len(row) >= 2:
                slang, standard = row[0].strip().lower(), row[1].strip().lower()
                # Identity pairs and multi-word keys never match a single token.
                if slang and standard and slang != standard and " " not in slang:
                    mapping.setdefault(slang, standard)
    return mapping


def file_hashes(data_dir: Path = DEFAULT_DATA_DIR) -> dict[str, str]:
    """sha256 of every dataset file the loader reads, keyed by 'folder/file'."""
    out: dict[str, str] = {}
    for folder, files in USED_FILES.items():
        for name in files:
            path = Path(data_dir) / folder / name
            if path.exists():
                out[f"{folder}/{name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out
