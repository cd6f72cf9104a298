"""The shipped syllable table (src/postlint/data) and the script that builds it."""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
from pathlib import Path

import pyphen
from helpers import REPO

from postlint.readability import estimated_syllables, syllable_count

DATA = REPO / "src" / "postlint" / "data"
BUILD = REPO / "tools" / "build_syllables.py"
CMU_NOTICE = "Copyright (C) 1993-2015 Carnegie Mellon University. All rights reserved."


def _table(path: Path) -> tuple[list[str], dict[str, int]]:
    header, counts = [], {}
    for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines():
        if line.startswith("#"):
            header.append(line)
        else:
            word, count = line.split()
            counts[word] = int(count)
    return header, counts


def _cmu_licence() -> str:
    """CMU's licence text as shipped (CMUDICT-LICENSE is a derivation note, then the licence verbatim)."""
    text = (DATA / "CMUDICT-LICENSE").read_text(encoding="utf-8")
    return text[text.index(CMU_NOTICE):]


def test_table_was_built_against_the_installed_pyphen_patterns():
    # Words left out of the table are counted by pyphen; other patterns would change their counts.
    header, _ = _table(DATA / "syllables.txt.gz")
    installed = hashlib.sha256(Path(pyphen.LANGUAGES["en_US"]).read_bytes()).hexdigest()
    assert f"# pyphen-en_US-sha256: {installed}" in header, "pyphen's en_US patterns changed: run tools/build_syllables.py"


def test_table_holds_only_counts_pyphen_gets_wrong():
    _, counts = _table(DATA / "syllables.txt.gz")
    assert 40_000 < len(counts) < 60_000
    assert [word for word, count in counts.items() if count < 1 or count == estimated_syllables(word)] == []
    assert (counts["readability"], counts["every"]) == (5, 3)
    assert "cat" not in counts and syllable_count("cat") == 1  # pyphen agrees with the dictionary


def test_table_and_licence_file_carry_cmu_notice():
    header, _ = _table(DATA / "syllables.txt.gz")
    licence = _cmu_licence()
    assert "Redistributions in binary form must reproduce the above copyright" in licence
    assert "THIS SOFTWARE IS PROVIDED BY CARNEGIE MELLON UNIVERSITY" in licence
    assert "\n".join(line[2:] for line in header).count(licence.strip()) == 1  # the whole notice, verbatim


def _build(tmp_path: Path, dictionary: str, licence: str) -> subprocess.CompletedProcess:
    source = tmp_path / "cmu"
    source.mkdir(exist_ok=True)
    (source / "cmudict.dict").write_text(dictionary, encoding="utf-8")
    (source / "LICENSE").write_text(licence, encoding="utf-8")
    return subprocess.run([sys.executable, str(BUILD), "--dict", str(source / "cmudict.dict"), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)


SMALL_DICTIONARY = """\
area EH1 R IY0 AH0
area(2) ER1 IY0 AH0
cat K AE1 T
hmm HH M
readability R IY2 D AH0 B IH1 L IH0 T IY0 # a comment, not phones: AA1 AA1
"""


def test_build_script_keeps_first_pronunciations_pyphen_gets_wrong(tmp_path):
    completed = _build(tmp_path, SMALL_DICTIONARY, _cmu_licence())
    assert completed.returncode == 0, completed.stderr
    assert "4 dictionary words, 2 differ from pyphen" in completed.stdout
    header, counts = _table(tmp_path / "out" / "syllables.txt.gz")
    assert counts == {"area": 3, "readability": 5}  # "cat" agrees with pyphen, "hmm" has no vowel phone
    assert (tmp_path / "out" / "CMUDICT-LICENSE").read_text(encoding="utf-8").endswith(_cmu_licence())
    first = (tmp_path / "out" / "syllables.txt.gz").read_bytes()
    assert _build(tmp_path, SMALL_DICTIONARY, _cmu_licence()).returncode == 0
    assert (tmp_path / "out" / "syllables.txt.gz").read_bytes() == first  # reproducible: no timestamp


def test_build_script_refuses_data_without_cmu_licence(tmp_path):
    completed = _build(tmp_path, SMALL_DICTIONARY, "All rights reserved.\n")
    assert completed.returncode != 0
    assert "is not CMU's dictionary licence" in completed.stderr
    assert not (tmp_path / "out").exists()
