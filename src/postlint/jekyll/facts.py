"""What a file's rules learned about the rest of the site, recorded while it is read.

The site model reads other files through a handful of inputs: the file inventory, another file's
front-matter block, another post's whole text (for site-wide rules), whether a file starts with a
YAML header, an image's header, a whole small file (a schema, a redirects file) and today's date. Each read reports its input key and a digest
of what it saw to every active `Recorder`. Indexes built from many inputs (the URL index, the post
index) remember the inputs they read and report them again each time a rule uses them. One index
is asked a question at a time instead: the site's term counts (`term_frequency`) and the
definitions of a term across its posts (`term_definitions`), whose every answer is an input of its
own, so that a post's result depends on the few answers its check read, not on every post's text.

A cached result is reused only when the file's own bytes are unchanged and every recorded input
still has the same digest. Nothing is listed by hand: a new question the model learns to answer is
recorded because it can only read the site through these inputs.

The same rule lets a warm run skip work on the rest of the site. What an index learns from each
file (a post's URLs, whether it is published, its terms) is a *per-file fact*, kept in the cache
with the inputs its computation read; the next run reuses a fact whose inputs all have the same
digest now (for an unchanged file: its signature, without reading it) and computes the others. An
index built from facts is the same as one built from the files, and it records the same inputs.

Facts also let a parallel run share the work of its site-wide indexes. Before the files are
checked, each worker process builds the indexes over its *share* of the site (`shard`): where an
index asks for a fact about every file (`facts_of`), a worker computes only its share's, and
the index it gets is partial. The facts go back to the parent, which then builds every index
whole from them, and the workers that check the files inherit those. A fact whose computation
used a partial index is not handed over: only facts that are the same in any process travel.
A run over a few files has helpers instead (engine/helpers.py): they split each loop over the
site's files (`facts_of`, `word_counts`) with the process that checks a file, as its check reaches it.

A run that keeps nothing (no cache: `--no-cache`, `--fix`, `--diff`) needs none of these
records: its sites are told so (`keep_no_inputs`) and then work out no digest and record no input
(a tenth of a one-post run's work). Their facts carry no inputs, so such a site never gets a
cache afterwards (ResultCache refuses it).

Some indexes are kept across runs whole (`Keeping`): the URL index, the post index, the
published posts, the titles' words. Such an index is stored as plain data with the name of its group of inputs, and
the next run takes it as it is when every input of the group has the same digest now; else it is
built again, from facts. A body edited in one post changes none of their inputs, so a pre-commit
run does not go over thousands of facts to build them. In a parallel run the workers build them
(the parent checks no file) and hand them over with their groups' inputs, as they hand over facts.

A kept index can also be asked a question whose answer is kept (`answer`): the answer is a
function of the index alone (asking reads nothing else), so it holds while the index's group of
inputs does, and a later run gives it without decoding the index. A one-post run asks each of the
near-duplicate indexes one question, about its post, which the previous run answered.

Another kind of index is kept across runs itself: word counts (`word_counts`: in how many files each
word occurs, from a per-file fact that lists a file's distinct words). Counting them again is a
tenth of a one-post run on a 500-post site, yet an edit changes one file's words. So the counts
are kept with, for each file they counted, the inputs of the fact that gave its words (a fact is
a function of its inputs: equal inputs, equal words), and the next run starts from them: a file
whose inputs have the same digests now is counted as it was, without decoding its fact; the run
takes away the words of the other files counted (the previous run's fact, checked against those
inputs) and adds those of the files that changed or came. The counts reached are the ones a
count from scratch gives; when a file's old words are not at hand, it counts from scratch. A
fact-pass worker keeps the counts of its share, and its count of the whole site after the pass
starts from them, adding the words of the other workers' files only.
"""

from __future__ import annotations

import functools
import marshal
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from postlint.digest import digest
from postlint.jekyll.captures import CHECKING, HandedOut

# Input kinds; an input key is "kind:argument".
INVENTORY = "inventory"  # the set of the site's files (argument: "")
FRONT_MATTER = "front-matter"  # the raw front-matter block of a file
CONTENT = "content"  # the bytes of a whole text file (another post, for site-wide rules)
YAML_HEADER = "yaml-header"  # whether a file's first line is `---`
IMAGE = "image"  # an image's pixel size, or why it cannot be read
FILE = "file"  # the bytes of a whole file (schemas, redirect files)
TODAY = "today"  # the date "future-dated" is judged against
TERM_FREQUENCY = "term-frequency"  # in how many published English posts a term occurs ("future:term")
TERM_DEFINITIONS = "term-definitions"  # the published posts' definitions of a term ("future:kramdown:max words:term")

_NONE: dict = {}  # what a lookup of a name with no facts gives (never written to)


def input_key(kind: str, argument: str = "") -> str:
    return f"{kind}:{argument}"


def group_name(inputs: dict[str, str]) -> str:
    """The name of an index's group of inputs: a digest of the set (tens of thousands of inputs on
    a large site, so joined as text rather than encoded as JSON)."""
    # Sorted by key alone (keys are unique: the order of the items), a fifth faster than the items.
    return digest("\n".join([f"{key}\0{inputs[key]}" for key in sorted(inputs)]).encode("utf-8", "surrogatepass"))


def file_share(rel: str, shares: int) -> int:
    """Which of `shares` fact-pass workers computes the facts of the file `rel`."""
    return zlib.crc32(rel.encode("utf-8", "surrogatepass")) % shares


class Recorder:
    """The inputs one file's check read, with the digest of each as it was read.

    Inputs read directly are kept one by one; an index's inputs (thousands, for the URL index)
    are kept as one group, named by the digest of its contents, which many files share.
    """

    def __init__(self) -> None:
        self.direct: dict[str, str] = {}
        self.groups: dict[str, dict[str, str]] = {}

    def add(self, key: str, value_digest: str) -> None:
        self.direct[key] = value_digest

    def add_group(self, name: str, inputs: dict[str, str]) -> None:
        self.groups[name] = inputs

    @property
    def inputs(self) -> dict[str, str]:
        """Every input, groups merged."""
        merged: dict[str, str] = {}
        for group in self.groups.values():
            merged.update(group)
        merged.update(self.direct)
        return merged


class Recording:
    """The mixin that gives the site model its recorders; see the module docstring."""

    def __init__(self) -> None:
        self._recorders: list[Recorder] = []
        self.keeps_inputs = True  # False once keep_no_inputs was called: nothing is recorded
        self._derived: dict[str, tuple[Any, str, dict[str, str]]] = {}  # name -> (value, group name, inputs)
        self._previous_facts: dict[str, Mapping[str, Any]] = {}  # the previous run's facts: name -> rel -> [value, inputs]
        self._fact_loaders: dict[str, Callable[[], object]] = {}  # name -> gives its facts when first asked for
        self._facts: dict[str, dict[str, list]] = {}  # this run's facts, same shape
        self._previous_counts: dict[str, Any] = {}  # the previous run's word counts (word_counts)
        self._previous_counts_loader: Callable[[], object] | None = None
        self._counts: dict[str, list] = {}  # this run's: name -> [{rel: its fact's inputs}, {word: files}, [rel without words]]
        self._share_counts: dict[str, tuple[dict, Counter]] = {}  # a fact pass's: name -> (rel -> words counted, counts)
        self._unsent: list[tuple[str, str]] = []  # (name, rel) of facts computed and not handed over yet
        # In a parallel run's fact pass: (this worker's number, workers); see the module docstring.
        self.shard: tuple[int, int] | None = None
        # In a run over a few files: what splits each loop over the site's files over the cores (engine/helpers.py).
        self.helpers: Any = None
        self._partial: set[str] = set()  # names of the indexes built from a share of the facts
        self._building: list[list[bool]] = []  # one flag per index or fact being computed: partial?
        self._current: dict[str, str] = {}  # input key -> its digest in this run (current_digest)
        self._previous_kept: object = {}  # the previous run's kept indexes: name -> [group name, encoded] (or a loader)
        self._previous_group: Callable[[str], object] = lambda name: None  # a group's inputs, as the previous run left them
        self._keeping: dict[str, tuple[Keeping, Any]] = {}  # indexes this run built to keep: name -> (how, value)
        self._handed_over: set[str] = set()  # of those, the ones a worker sent to the parent (hand_over_indexes)
        self._adopted: dict[str, tuple[list, dict[str, str]]] = {}  # indexes workers built to keep: name -> (as exported, inputs)
        self._previous_answers: Mapping[str, Any] = {}  # answer key -> [group name, answer], as the previous run left them
        self._answers: dict[str, list] = {}  # this run's (and its workers'): answer key -> [group name, answer]
        self._unsent_answers: list[str] = []  # keys of answers found and not handed over yet (hand_over_answers)
        self._held: dict[str, dict[str, str] | None] = {}  # a previous group's inputs when they hold now, else None
        self.handed_out = HandedOut() if CHECKING else None  # for postlint's tests (captures.py)

    def current_digest(self, key: str) -> str:
        """What the input `key` looks like now, without recording it; worked out once per run."""
        found = self._current.get(key)
        if found is None:
            found = self._current[key] = self.digest_now(key)
        return found

    def digest_now(self, key: str) -> str:
        """What the input `key` looks like now, worked out (see Site)."""
        raise NotImplementedError

    def inputs_hold(self, inputs: dict) -> bool:
        """Does every input of `inputs` (key -> digest) have that digest now? A loop that looks in
        current_digest's memo itself: a one-post run asks this of thousands of facts."""
        current = self._current
        for key, value in inputs.items():
            found = current.get(key)
            if found is None:
                found = self.current_digest(key)
            if found != value or type(value) is not str:
                return False
        return True

    def keep_no_inputs(self) -> None:
        """For the rest of this process nothing read is kept for a later run: no input is recorded,
        and the digests that only inputs need are not worked out (see the module docstring)."""
        self.keeps_inputs = False

    def record(self, kind: str, argument: str, value_digest: str) -> None:
        """Tell every active recorder that `kind:argument` was read and looked like `value_digest`."""
        if self._recorders and self.keeps_inputs:
            key = input_key(kind, argument)
            for recorder in self._recorders:
                recorder.add(key, value_digest)

    def group_inputs(self, name: str) -> dict[str, str] | None:
        """The inputs of the index group `name` (None: no index of this site has that name)."""
        found = next((inputs for _, group, inputs in self._derived.values() if group == name), None)
        if found is None:
            found = next((inputs for index, inputs in self._adopted.values() if index[0] == name), None)
        return found

    def index(self, name: str, build: Callable[[], Any], keep: Keeping | None = None) -> Any:
        """The site-wide index `name` (parameters included in the name), built once per process by
        `build()`, or with `keep` taken from the previous run when its inputs hold; each use
        reports the inputs the build read to the active recorders."""
        memo = self._derived.get(name)
        if memo is None:
            memo = self._kept_index(name, keep) if keep is not None else None
        if memo is None:
            if self.handed_out is not None:
                self.handed_out.check(build, f"the index {name}", self)
            with self._computing() as partial, self.recording(isolated=True) as recorder:
                value = build()
            inputs = recorder.inputs
            # A partial index (a fact pass's share) is forgotten when the share is left, and what
            # records it is partial too: its group is never looked up, stored nor sent by name, so
            # it is not worth the digest of thousands of sorted inputs.
            group = f"partial:{name}" if partial[0] else group_name(inputs)
            memo = self._derived[name] = (value, group, inputs)
            if partial[0]:
                self._partial.add(name)
            elif keep is not None:
                self._keeping[name] = (keep, value)
        if name in self._partial:
            self._taint()
        for active in self._recorders:
            active.add_group(memo[1], memo[2])
        if self.handed_out is not None:
            self.handed_out.note(memo[0], f"the index {name}")
        return memo[0]

    def has_index(self, name: str) -> bool:
        """Is the index `name` built whole in this process, or kept by the previous run (whether
        its inputs hold or not)?"""
        return name in self._derived and name not in self._partial or name in self._stored_kept

    def unreported_index(self, name: str, build: Callable[[], Any], keep: Keeping | None = None) -> Any:
        """The index `name` (see index) without reporting its inputs to the active recorders: for
        a question about it whose answer is recorded as an input of its own (Site.term_frequency).
        Once built, a dictionary lookup: a warm run asks it thousands of times."""
        memo = self._derived.get(name)
        if memo is None or name in self._partial:
            with self.recording(isolated=True):
                return self.index(name, build, keep)
        return memo[0]

    def _kept_index(self, name: str, keep: Keeping) -> tuple[Any, str, dict[str, str]] | None:
        """The memo of the index `name` as the previous run kept it, when every input of its group
        has the same digest now (None: build it)."""
        kept = self._stored_kept.get(name)
        if type(kept) is not list or len(kept) != 2 or type(kept[0]) is not str or type(kept[1]) is not bytes:
            return None
        inputs = self._holding_group(kept[0])
        if inputs is None:
            return None
        try:
            value = keep.restore(marshal.loads(kept[1]))
        except (AttributeError, EOFError, IndexError, KeyError, TypeError, ValueError):
            return None  # of another shape: build it
        memo = self._derived[name] = (value, kept[0], inputs)
        return memo

    def remember_indexes(self, kept: object, group: Callable[[str], object]) -> None:
        """Take the indexes the previous run kept (name -> [group name, encoded plain value];
        checked where used), or a function that gives them when first asked for, and the means to
        look up a group's inputs."""
        self._previous_kept = kept
        self._previous_group = group

    @property
    def _stored_kept(self) -> dict[str, Any]:
        if callable(self._previous_kept):
            self._previous_kept = self._previous_kept()
        if not isinstance(self._previous_kept, dict):
            self._previous_kept = {}
        return self._previous_kept

    def answer(self, name: str, build: Callable[[], Any], keep: Keeping, question: str,
               ask: Callable[[Any], Any]) -> Any:
        """`ask(index)` for the kept index `name` (see index), remembered across runs with the
        index's group of inputs: while every input of that group has the same digest, a later run
        gives the same answer to the same question without building, restoring or even decoding
        the index (a one-post run asks each near-duplicate index one question about its post).
        `ask` reads nothing but the index and gives plain data (what marshal stores)."""
        key = f"{name}\0{question}"
        found, inputs = self._answers.get(key), None
        if found is not None:
            inputs = self.group_inputs(found[0])
        else:
            found = self._previous_answers.get(key)
            if type(found) is list and len(found) == 2 and type(found[0]) is str:
                inputs = self._holding_group(found[0])
        if inputs is None:
            index = self.index(name, build, keep)
            if self.handed_out is not None:
                self.handed_out.check(ask, f"an answer of the index {name}", self)
            with self.recording(isolated=True) as recorder:
                answer = ask(index)
            if recorder.inputs:
                raise RuntimeError(f"an answer of the index {name} read the site: {sorted(recorder.inputs)[:3]}")
            found = [self._derived[name][1], answer]
            if name not in self._partial and is_plain(answer):
                self._answers[key] = found
                self._unsent_answers.append(key)
        else:
            for active in self._recorders:
                active.add_group(found[0], inputs)  # as a use of the index itself reports it
        if self.handed_out is not None:
            self.handed_out.note(found[1], f"the answer to {question} of the index {name}")
        return found[1]

    def _holding_group(self, name: str) -> dict[str, str] | None:
        """The inputs of the previous run's group `name` when every one has the same digest now."""
        if name not in self._held:
            inputs = self._previous_group(name)
            self._held[name] = inputs if type(inputs) is dict and self.inputs_hold(inputs) else None
        return self._held[name]

    def remember_answers(self, answers: object) -> None:
        """Take the answers the previous run left (answer key -> [group name, answer], each checked
        where used): a mapping, such as the cache's section decoded shard by shard."""
        self._previous_answers = answers if isinstance(answers, Mapping) else {}

    def hand_over_answers(self) -> dict[str, list]:
        """The answers found since the last call: a worker sends them to the parent (adopt_answers)."""
        sent = {key: self._answers[key] for key in self._unsent_answers}
        self._unsent_answers = []
        return sent

    def adopt_answers(self, answers: dict[str, list]) -> None:
        """Answers a worker found in this run (the same as this process would find)."""
        for key, found in answers.items():
            self._answers.setdefault(key, found)

    @property
    def learned_answers(self) -> bool:
        """Did this run (or a worker of it) find an answer to keep?"""
        return bool(self._answers)

    def export_answers(self) -> dict[str, list]:
        """The answers this run (or a worker of it) found, for the next run."""
        return dict(self._answers)

    def export_indexes(self) -> dict[str, Any]:
        """The kept indexes for the next run: those this run built (or its workers did), and the
        previous run's others (each checked where used)."""
        exported = {**self._stored_kept, **{name: index for name, (index, _) in self._adopted.items()}}
        for name in self._keeping:
            exported[name] = self._encoded_index(name)
        return {name: index for name, index in exported.items() if index is not None}

    def _encoded_index(self, name: str) -> list | None:
        """The index `name` this run built to keep, as the cache stores it; None when it is not
        plain data after all (a plugin's index): built again next time."""
        keep, value = self._keeping[name]
        try:
            return [self._derived[name][1], marshal.dumps(keep.plain(value))]
        except ValueError:
            return None

    def hand_over_indexes(self) -> dict[str, tuple[list, dict[str, str]]]:
        """The indexes to keep built since the last call, encoded, with the inputs of their groups:
        a worker sends them to the parent (adopt_indexes), which checks no file and so never
        builds them (nor sees the group of one built only inside another's build)."""
        sent = {name: (self._encoded_index(name), self._derived[name][2]) for name in self._keeping.keys() - self._handed_over}
        self._handed_over.update(sent)
        return {name: (index, inputs) for name, (index, inputs) in sent.items() if index is not None}

    def adopt_indexes(self, indexes: dict[str, tuple[list, dict[str, str]]]) -> None:
        """Indexes a worker built to keep in this run (the same as this process would build)."""
        for name, index in indexes.items():
            self._adopted.setdefault(name, index)

    @property
    def learned_indexes(self) -> bool:
        """Did this run (or a worker of it) build an index to keep?"""
        return bool(self._keeping or self._adopted)

    def take_share(self, share: int, shares: int) -> None:
        """Work as fact-pass worker `share` of `shares` (see the module docstring)."""
        self.shard = (share, shares)

    def leave_share(self) -> None:
        """Back to the whole site: the indexes built meanwhile are forgotten (built again, whole,
        when next used); the facts computed are kept, for none rests on a partial index."""
        self.shard = None
        self._derived.clear()
        self._partial.clear()
        self._keeping.clear()

    def prepare(self, build: Callable[[], Any]) -> None:
        """Build an index now, ahead of its first use, without making the file being checked
        depend on it (nothing is recorded): in a parallel run, so that the fact pass builds it."""
        if self.handed_out is not None:
            self.handed_out.check(build, "an index prepared", self)
        with self.recording(isolated=True):
            build()

    def facts_of(self, name: str, rels: Iterable[str], compute: Callable[[str], Any]) -> Iterator[tuple[str, Any]]:
        """(rel, the fact `name` about rel: per_file with `compute(rel)`) for each of `rels`, in
        order; in a fact pass only for the files of this worker's share, which makes the index
        being built partial. With helpers, the facts are computed over the cores first."""
        if self.helpers is not None:
            rels = list(rels)
            self.helpers.compute(name, rels, compute)
        for rel in rels:
            if self._outside_share(rel):
                continue
            yield rel, self.per_file(name, rel, lambda: compute(rel))  # noqa: B023 - called at once

    def has_fact(self, name: str, rel: str) -> bool:
        """Was the fact `name` about `rel` computed or adopted in this run?"""
        return rel in self._facts.get(name, _NONE)

    @contextmanager
    def _computing(self) -> Iterator[list[bool]]:
        """A frame for an index or fact being computed; its flag turns True when it uses a partial index."""
        frame = [False]
        self._building.append(frame)
        try:
            yield frame
        finally:
            self._building.pop()

    def _taint(self) -> None:
        """Everything being computed now rests on part of the site's facts (a fact pass)."""
        for frame in self._building:
            frame[0] = True

    def share_of_file(self, rel: str, shares: int) -> int:
        """Which of `shares` fact-pass workers computes the facts of the file `rel` (Site: the
        files of each kind dealt out in turn). Who computes a fact never changes its value."""
        return file_share(rel, shares)

    def _outside_share(self, rel: str) -> bool:
        """In a fact pass, is `rel` another worker's? Then what is being built leaves it out and is
        partial (tainted)."""
        if self.shard is None or self.share_of_file(rel, self.shard[1]) == self.shard[0]:
            return False
        self._taint()
        return True

    def per_file(self, name: str, rel: str, compute: Callable[[], Any]) -> Any:
        """The fact `name` about the file `rel`: `compute()`, or the previous run's answer when
        every input it read is unchanged. Each use reports those inputs to the active recorders.

        `compute` reads only through the recorded accessors and returns plain data made of dicts,
        lists, tuples, strings, numbers, booleans and None: what the cache stores (marshal) and
        a worker sends, both of which give it back as it was."""
        fact = self._facts.get(name, _NONE).get(rel)
        if fact is not None:  # computed in this run, or adopted: known_fact's first case, without its call
            self._report(fact[1])
            if self.handed_out is not None:
                self.handed_out.note(fact[0], f"the fact {name} of {rel}")
            return fact[0]
        known, value = self.known_fact(name, rel)
        if known:
            return value
        if self.handed_out is not None:
            self.handed_out.check(compute, f"the fact {name} of {rel}", self)
        # What `with self._computing() as partial, self.recording(isolated=True) as recorder`
        # does, without building two context managers for each fact of each file of the site.
        partial = [False]
        recorder = Recorder()
        outer = self._recorders
        self._building.append(partial)
        self._recorders = [recorder]
        try:
            value = compute()
        finally:
            self._recorders = outer
            self._building.pop()
        if self.handed_out is not None:
            self.handed_out.note(value, f"the fact {name} of {rel}")
        if partial[0]:
            return value  # computed from a partial index: good for nothing but this worker's own pass
        fact = self._facts.setdefault(name, {})[rel] = [value, recorder.inputs]
        self._unsent.append((name, rel))
        self._report(fact[1])
        return value

    def known_fact(self, name: str, rel: str) -> tuple[bool, Any]:
        """(True, the fact) when this run computed it or the previous run left it with every
        input unchanged (reported to the recorders, as per_file does); (False, None) otherwise:
        a caller with a cheaper way to tell that the fact does not matter may skip computing it."""
        fact = self._facts.get(name, _NONE).get(rel)
        if fact is None:
            fact = self._stored_facts(name).get(rel)  # a [value, inputs] fact, if of that shape
            if type(fact) is not list or len(fact) != 2 or type(fact[1]) is not dict or not self.inputs_hold(fact[1]):
                return False, None
            self._facts.setdefault(name, {})[rel] = fact
        self._report(fact[1])
        if self.handed_out is not None:
            self.handed_out.note(fact[0], f"the fact {name} of {rel}")
        return True, fact[0]

    def _report(self, inputs: dict[str, str]) -> None:
        for active in self._recorders:
            active.direct.update(inputs)

    def hand_over_facts(self) -> dict[str, dict[str, list]]:
        """The facts computed since the last call: a worker process sends them to the parent,
        which keeps them in the cache (adopt_facts)."""
        facts: dict[str, dict[str, list]] = {}
        for name, rel in self._unsent:
            facts.setdefault(name, {})[rel] = self._facts[name][rel]
        self._unsent = []
        return facts

    def adopt_facts(self, facts: dict[str, dict[str, list]]) -> None:
        """Facts a worker computed in this run (the same as this process would compute)."""
        for name, by_rel in facts.items():
            mine = self._facts.setdefault(name, {})
            for rel, fact in by_rel.items():
                mine.setdefault(rel, fact)

    def remember_facts(self, stored: object) -> None:
        """Take the facts the previous run left in the cache (checked where used): name -> the
        facts of that name, or a function that gives them, called when a fact of that name is
        first asked for (a one-post run decodes the few names it uses, not all of them)."""
        self._previous_facts, self._fact_loaders = {}, {}
        for name, facts in stored.items() if isinstance(stored, dict) else ():
            if callable(facts):
                self._fact_loaders[name] = facts
            elif isinstance(facts, dict):
                self._previous_facts[name] = facts

    def _stored_facts(self, name: str) -> Mapping[str, Any]:
        """The previous run's facts `name` (rel -> fact, each checked where used)."""
        found = self._previous_facts.get(name)
        if found is None:
            load = self._fact_loaders.pop(name, None)
            loaded = load() if load is not None else None
            found = self._previous_facts[name] = loaded if isinstance(loaded, Mapping) else {}
        return found

    def new_facts(self, name: str) -> dict[str, list]:
        """This run's facts `name` that the previous run did not leave as they are: what a journal
        of the cache adds to them."""
        stored = self._stored_facts(name)
        return {rel: fact for rel, fact in self._facts.get(name, _NONE).items() if stored.get(rel) is not fact}

    def word_counts(self, name: str, fact: str, rels: Iterable[str],
                    compute: Callable[[str], str | None]) -> tuple[Counter[str], int]:
        """In how many of the files `rels` each word occurs, and how many of those files have
        words: a file's words are its per-file fact `fact` (`compute(rel)`: its distinct words,
        space-separated, or None). A warm run starts from the previous run's counts and looks at
        the facts of the files that changed only; see the module docstring."""
        previous = self._previous_word_counts(name)
        counted, silent = (previous[0], previous[2]) if previous else ({}, frozenset())
        if self.helpers is not None and not previous:
            rels = list(rels)
            self.helpers.compute(fact, rels, compute)
        unchanged: dict[str, dict[str, str]] = {}  # rel -> the inputs its counted words came from
        came: dict[str, str | None] = {}  # the others: rel -> its words now
        for rel in rels:
            if self._outside_share(rel):
                continue
            inputs = counted.get(rel)
            if type(inputs) is dict and self.inputs_hold(inputs):
                self._report(inputs)  # as its fact would (a fact is a function of its inputs)
                unchanged[rel] = inputs
            else:
                came[rel] = self.per_file(fact, rel, lambda: compute(rel))  # noqa: B023 - called at once
        counts = self._counts_corrected(fact, previous, unchanged, came) if previous else None
        if counts is None:
            counts, counted_here = self._counts_of_own_share(name, previous, came)
            for rel in [*unchanged, *came]:
                words = came[rel] if rel in came else self.per_file(fact, rel, lambda: compute(rel))  # noqa: B023
                if words is not None and rel not in counted_here:
                    counts.update(words.split())
        if self.shard is not None and not previous:  # a fact pass: its share's counts, for the whole count after
            self._share_counts[name] = (came, counts)
        empty = [rel for rel in unchanged if rel in silent] + [rel for rel, words in came.items() if words is None]
        sources = dict(unchanged)
        for rel, words in came.items():
            kept = self._facts.get(fact, _NONE).get(rel)
            if kept is not None and kept[0] is words:  # else computed from a partial index: not kept
                sources[rel] = kept[1]
        # Never counts made from a share of the site, nor from words another run cannot check.
        if len(sources) == len(unchanged) + len(came) and not any(frame[0] for frame in self._building):
            self._counts[name] = [sources, counts, sorted(empty)]
        return counts, len(unchanged) + len(came) - len(empty)

    def _counts_of_own_share(self, name: str, previous: object,
                             came: dict[str, str | None]) -> tuple[Counter[str], dict[str, str | None]]:
        """Where a count of the words of `came` starts: in a fact-pass worker counting the whole
        site after its share, its share's counts (a copy) and the files they counted, when each of
        those files has the very words counted then (the same fact); else nothing. A count is a
        sum over the files, in any order: the same counts either way."""
        share = self._share_counts.pop(name, None) if self.shard is None and not previous else None
        if share is None:
            return Counter(), {}
        counted, counts = share
        if any(came.get(rel, _NONE) is not words for rel, words in counted.items()):
            return Counter(), {}
        return Counter(counts), counted

    def _previous_word_counts(self, name: str) -> tuple[dict, dict, frozenset[str]] | None:
        """The previous run's counts `name`: (rel -> the inputs of the fact its words came from,
        word -> files, the files without words); None when there are none of that shape."""
        previous = self._stored_counts.get(name)
        if type(previous) is not list or len(previous) != 3 or type(previous[0]) is not dict \
                or type(previous[1]) is not dict or type(previous[2]) is not list:
            return None
        return previous[0], previous[1], frozenset(previous[2])

    def _counts_corrected(self, fact: str, previous: tuple[dict, dict, frozenset[str]],
                          unchanged: dict[str, dict[str, str]], came: dict[str, str | None]) -> Counter[str] | None:
        """The previous run's counts, corrected to the files of `unchanged` and `came`: the words of
        the files counted then that are not unchanged taken away (the previous run's fact, checked
        against the inputs counted), those of `came` added; None when they cannot be."""
        counted, previous_counts, silent = previous
        gone = [rel for rel in counted if rel not in unchanged]
        if len(gone) + len(came) > (len(unchanged) + len(came)) // 2:
            return None  # as quick to count afresh
        old_facts = self._stored_facts(fact) if gone else _NONE
        taken: list[str] = []
        for rel in gone:
            if rel in silent:
                continue  # no words were counted for it
            old = old_facts.get(rel)
            if type(old) is not list or len(old) != 2 or type(old[0]) is not str or old[1] != counted[rel]:
                return None  # the words counted for this file are not at hand: count afresh
            taken += old[0].split()
        counts = Counter(previous_counts)
        counts.subtract(taken)
        for words in came.values():
            if words is not None:
                counts.update(words.split())
        for word in taken:
            if counts.get(word, 1) <= 0:
                del counts[word]
        return counts

    def remember_counts(self, stored: object) -> None:
        """Take the word counts the previous run left (a dict, or a function that returns one)."""
        self._previous_counts, self._previous_counts_loader = {}, None
        if callable(stored):
            self._previous_counts_loader = stored
        elif isinstance(stored, dict):
            self._previous_counts = stored

    @property
    def _stored_counts(self) -> dict[str, Any]:
        if self._previous_counts_loader is not None:
            load, self._previous_counts_loader = self._previous_counts_loader, None
            self.remember_counts(load())
        return self._previous_counts

    def export_counts(self) -> dict[str, list]:
        """The word counts this run made; the previous run's of the names this run did not count
        (plain dicts: what the cache stores)."""
        return {**self._stored_counts, **{name: [sources, dict(counts), empty] for name, (sources, counts, empty) in self._counts.items()}}

    @property
    def learned_counts(self) -> bool:
        """Did this run make word counts the previous run did not leave?"""
        return any(self._stored_counts.get(name) != counts for name, counts in self._counts.items())

    def export_facts(self, keep: Callable[[str], bool], names: Iterable[str] | None = None) -> dict[str, dict[str, list]]:
        """What the next run may reuse of the facts `names` (default: every name): this run's
        facts, and the previous run's facts about the files `keep` accepts that this run did not
        look at."""
        exported = {}
        for name in sorted(self.fact_names if names is None else names):
            merged = {rel: fact for rel, fact in self._stored_facts(name).items() if keep(rel)}
            merged.update(self._facts.get(name, _NONE))
            exported[name] = merged
        return exported

    @property
    def fact_names(self) -> set[str]:
        """The names of every fact the previous run left or this run computed."""
        return self._fact_loaders.keys() | self._previous_facts.keys() | self._facts.keys()

    @property
    def touched_fact_names(self) -> set[str]:
        """The names of the facts this run looked at (decoded or computed): the others are as the
        previous run left them."""
        return self._previous_facts.keys() | self._facts.keys()

    @property
    def learned_facts(self) -> bool:
        """Did this run compute a fact the previous run did not leave?"""
        return any(self._stored_facts(name).get(rel) is not fact for name, facts in self._facts.items()
                   for rel, fact in facts.items())

    def build_indexes(self) -> None:
        """Compute every derived index now (before a parallel run forks its workers)."""
        for name, value in vars(type(self)).items():
            if isinstance(value, property) and getattr(value.fget, "derived", False):
                getattr(self, name)

    @contextmanager
    def recording(self, isolated: bool = False) -> Iterator[Recorder]:
        """Record every input read inside the block (nested blocks record into all open ones;
        an `isolated` block only into its own: an index or a fact reports what it read to the
        open recorders itself, as one group or one fact, once it is built)."""
        recorder = Recorder()
        outer = self._recorders
        self._recorders = [recorder] if isolated else [*outer, recorder]
        try:
            yield recorder
        finally:
            self._recorders = outer


def is_plain(value: object) -> bool:
    """Is `value` data that marshal stores and gives back as it is?"""
    try:
        return marshal.loads(marshal.dumps(value)) == value
    except ValueError:
        return False


class Keeping:
    """How an index is kept across runs: `plain(value)` gives plain data (dicts, lists, tuples,
    strings, numbers, booleans, None: what marshal stores), `restore(plain)` the value again, the
    same as the one built."""

    __slots__ = ("plain", "restore")

    def __init__(self, plain: Callable[[Any], Any] = lambda value: value,
                 restore: Callable[[Any], Any] = lambda plain: plain) -> None:
        self.plain, self.restore = plain, restore


AS_IT_IS = Keeping()  # for an index whose value is plain data itself


def derived(method: Callable[[Any], Any] | None = None, *, keep: Keeping | None = None) -> Any:
    """A cached property of the site model built from inputs: computed once, and each use reports
    the inputs its computation read to the active recorders. With `keep`, the index is kept
    across runs (see the module docstring)."""
    def wrap(method: Callable[[Any], Any]) -> property:
        name = method.__name__

        @functools.wraps(method)
        def get(self: Recording) -> Any:
            return self.index(name, lambda: method(self), keep)

        get.derived = True  # type: ignore[attr-defined]
        return property(get)

    return wrap(method) if method is not None else wrap
