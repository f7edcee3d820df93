"""The corpus snapshot: everything derived from the store, built once, never changed.

Keyword index, idf, vocabulary, the documents (for citation checks), their sentences with
speakers and ticker times, the speakers the corpus quotes, the people the documents name
(the name index), and which sentences are the same text in several outlets, all for one store
fingerprint. A query takes the current snapshot
and uses nothing else, so one answer never mixes two states of the corpus; a new snapshot is
built beside the old one and swapped in whole (`CorpusSnapshots`).

Building one reads every document again (attribution, near-duplicates, BM25): seconds at a
thousand articles. So the last one built is kept on disk (`SnapshotCache`) and a new process
(a cold `qa ask`, a restarted server) loads it instead when the store has not changed since.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import gc
import hashlib
import logging
import os
import pickle
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from functools import cache, cached_property
from pathlib import Path
from typing import NamedTuple

from qa_service.corpus.attribution import SentenceUnit, read_sentences
from qa_service.corpus.duplicates import ShingleIndex, find_duplicates, update_duplicates
from qa_service.corpus.names import person_key
from qa_service.corpus.organisations import Organisation, organisation_key, read_organisations
from qa_service.corpus.people import Person, read_people, role_form, role_stem
from qa_service.foreground import in_background
from qa_service.models import Document
from qa_service.protocols import Store
from qa_service.retrieval.bm25 import BM25Index
from qa_service.retrieval.entities import Vocabulary
from qa_service.retrieval.tokens import tokenize
from qa_service.sentences import split_sentences

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PersonEntry:
    """One person across the corpus: the fullest name any document writes, every role with
    the documents that give it, the party a document gives, and the documents naming them."""

    key: str
    name: str
    roles: tuple[tuple[str, str], ...]  # (role, doc id)
    party: str | None
    docs: tuple[str, ...]


class RoleHolder(NamedTuple):
    """A person a role phrase names, and the documents that give them that role: "the
    mayor" of one article is not the Fischer another article calls mayor, though the two
    Fischers share one entry."""

    key: str
    docs: frozenset[str]


def people_index(people_in: Mapping[str, tuple[Person, ...]]) -> dict[str, PersonEntry]:
    """The name index: each document's persons gathered by person key."""
    found: dict[str, list[tuple[str, Person]]] = defaultdict(list)
    for doc_id in sorted(people_in):
        for person in people_in[doc_id]:
            found[person.key].append((doc_id, person))
    return {
        key: PersonEntry(
            key=key,
            name=max((p.name for _, p in seen), key=len),
            roles=tuple((role, doc_id) for doc_id, p in seen for role in p.roles),
            party=next((p.party for _, p in seen if p.party), None),
            docs=tuple(dict.fromkeys(doc_id for doc_id, _ in seen)),
        )
        for key, seen in found.items()
    }


@dataclass(frozen=True, slots=True)
class OrganisationEntry:
    """One organisation across the corpus: its fullest name, every short form a document
    gives it ("VBZ" for "Verband Bruggenauer Zeitungen"), and the documents naming it."""

    name: str
    short: tuple[str, ...]
    docs: tuple[str, ...]


def organisations_index(
    organisations_in: Mapping[str, tuple[Organisation, ...]],
) -> dict[str, OrganisationEntry]:
    """The organisations of the name index, under every key of every form: a short form one
    document spells out is the same body in a document that only uses the short form."""
    forms: dict[str, set[str]] = defaultdict(set)  # key -> keys of the same body
    seen: dict[str, list[tuple[str, Organisation]]] = defaultdict(list)
    for doc_id in sorted(organisations_in):
        for org in organisations_in[doc_id]:
            keys = org.keys
            for key in keys:
                forms[key].update(keys)
                seen[key].append((doc_id, org))
    index: dict[str, OrganisationEntry] = {}
    for key in forms:
        together = forms[key] | {k for f in forms[key] for k in forms[f]}
        orgs = [(d, o) for k in sorted(together) for d, o in seen.get(k, ())]
        index[key] = OrganisationEntry(
            name=max((o.name for _, o in orgs), key=len),
            short=tuple(sorted({s for _, o in orgs for s in o.short} | _shorts(orgs))),
            docs=tuple(dict.fromkeys(sorted(d for d, _ in orgs))),
        )
    return index


def _shorts(orgs: list[tuple[str, Organisation]]) -> set[str]:
    """Names in capitals standing alone: a short form too ("VBZ" read on its own)."""
    return {o.name for _, o in orgs if o.name.isupper() and " " not in o.name}


@dataclass(frozen=True)
class CorpusSnapshot:
    fingerprint: str
    bm25: BM25Index
    documents: Mapping[str, Document]
    sentences: Mapping[str, tuple[SentenceUnit, ...]]  # by doc id, in text order
    speakers: Mapping[str, tuple[SentenceUnit, ...]]  # by person key: what each one says
    duplicates: Mapping[tuple[str, int], int]  # (doc id, sentence start) -> group
    groups: Mapping[int, tuple[SentenceUnit, ...]] = field(default_factory=dict)
    people_in: Mapping[str, tuple[Person, ...]] = field(default_factory=dict)  # by doc id
    people: Mapping[str, PersonEntry] = field(default_factory=dict)  # by person key
    organisations_in: Mapping[str, tuple[Organisation, ...]] = field(default_factory=dict)
    organisations: Mapping[str, OrganisationEntry] = field(default_factory=dict)  # any form's key
    shingles: ShingleIndex | None = None  # what the next build's near-duplicates extend
    index_keys: Mapping[str, str] = field(default_factory=dict)  # doc id -> how indexed

    @cached_property
    def newest_date(self) -> dt.date | None:
        """The newest article date: "gestern" in a question means the day before the news."""
        return max((d.date for d in self.documents.values() if d.date is not None), default=None)

    @property
    def vocabulary(self) -> Vocabulary:
        return self.bm25.vocabulary

    def warm(self) -> CorpusSnapshot:
        """Build now what the first question would otherwise wait for: the name index of the
        corpus words (0.28 s at 1,017 articles, on the first ask with a name the corpus
        does not have as written). A server warms each snapshot before it answers from it;
        a one-question `qa ask` needs it only if its question has such a name."""
        _ = self.vocabulary.name_index
        return self

    @property
    def idf(self) -> Mapping[str, float]:
        return self.bm25.idf

    def sentences_in(self, doc_id: str, start: int, end: int) -> list[SentenceUnit]:
        """The sentences that lie inside `doc.text[start:end]`."""
        units = self.sentences.get(doc_id, ())
        i = bisect.bisect_left([u.start for u in units], start)
        return [u for u in units[i:] if u.end <= end] if units else []

    def neighbour(self, unit: SentenceUnit, step: int) -> SentenceUnit | None:
        units = self.sentences.get(unit.doc_id, ())
        j = unit.index + step
        return units[j] if 0 <= j < len(units) else None

    def also_in(self, unit: SentenceUnit) -> tuple[SentenceUnit, ...]:
        """The same sentence in other documents (another outlet carrying the dpa text)."""
        group = self.duplicates.get((unit.doc_id, unit.start))
        if group is None:
            return ()
        return tuple(u for u in self.groups[group] if u.doc_id != unit.doc_id)

    def group_of(self, unit: SentenceUnit) -> int | None:
        return self.duplicates.get((unit.doc_id, unit.start))

    def people_by_role(
        self, role_words: Sequence[str], doc_ids: Sequence[str] | None = None
    ) -> list[RoleHolder]:
        """The persons a role noun phrase names ("Verkehrsminister", "die Vorsitzende
        Richterin"), best first. Each role word must fit one of the person's roles: the same
        role in any form ("Ministerin", "Ministers"), or its head noun ("Minister" fits
        "Verkehrsminister"; "Verkehrsminister" does not fit "Finanzminister"). Persons the
        given documents name come first, then those more documents name."""
        wanted = [role_stem(role_form(w)) for w in role_words if w[:1].isupper()]
        if not wanted:
            return []
        docs = set(doc_ids or ())
        fits = []
        for entry in self.people.values():
            stems = [(role_stem(r), d) for r, d in entry.roles]
            if all(any(s.endswith(w) for s, _ in stems) for w in wanted):
                held = frozenset(d for s, d in stems if s.endswith(wanted[-1]))
                fits.append((not held & docs, -len(entry.docs), entry.key, held))
        return [RoleHolder(key, held) for *_, key, held in sorted(fits)]

    def people_by_role_tokens(
        self, words: Sequence[Collection[str]], doc_ids: Sequence[str] | None = None
    ) -> list[RoleHolder]:
        """The persons whose role holds, for every word of a role phrase given as the index
        tokens it may be in German, one of them as part of one role ("transport minister":
        {verkehr, transport, ...}, {minist} -> "Verkehrsminister"), in the order of
        `people_by_role`: an English question's role, through the bilingual word list."""
        if not words:
            return []
        docs = set(doc_ids or ())
        fits = []
        for entry in self.people.values():
            roles = [(" ".join(tokenize(r)), d) for r, d in entry.roles]
            held = frozenset(
                d for r, d in roles if all(any(_part_of(t, r) for t in ts) for ts in words)
            )
            if held:
                fits.append((not docs & held, -len(entry.docs), entry.key, held))
        return [RoleHolder(key, held) for *_, key, held in sorted(fits)]

    def resolve(self, name: str) -> str | None:
        """The person key a surname or a fuller name means, if the corpus names them."""
        key = person_key(name)
        return key if key in self.people else None

    def organisation_forms(self, name: str) -> tuple[str, ...]:
        """Every form the corpus gives the organisation `name` is one of: its full name and
        its short forms ("VBZ" -> "Verband Bruggenauer Zeitungen", "VBZ"); none if no
        document names it as one."""
        entry = self.organisations.get(organisation_key(name))
        return (entry.name, *(s for s in entry.short if s != entry.name)) if entry else ()


def _part_of(token: str, role: str) -> bool:
    """A German token in a role, or its first six letters: the word list has compounds
    ("finanzmittel" for finance) where the role has another ("Finanzminister")."""
    return token in role or (len(token) > 6 and token[:6] in role)


def _read_sentences(doc: Document) -> tuple[SentenceUnit, ...]:
    """The document's sentence units; where reading who speaks fails (a rule meeting a shape
    of text it was not written for), its plain sentences, so one article cannot take the
    whole corpus down: the error is logged with the document."""
    try:
        return tuple(read_sentences(doc))
    except Exception:
        log.exception(
            "attribution failed: sentences kept without speakers", extra={"doc_id": doc.id}
        )
        spans = split_sentences(doc.text)
        return tuple(SentenceUnit(doc.id, i, s, e, doc.text[s:e]) for i, (s, e) in enumerate(spans))


def _read_names(doc: Document) -> tuple[tuple[Person, ...], tuple[Organisation, ...]]:
    """The people and organisations the document names; none where reading them fails
    (logged, as above)."""
    try:
        return read_people(doc), read_organisations(doc)
    except Exception:
        log.exception("name index failed: document kept without names", extra={"doc_id": doc.id})
        return (), ()


# a document's units, people, organisations
Reading = tuple[tuple[SentenceUnit, ...], tuple[Person, ...], tuple[Organisation, ...]]


def read_documents_here(documents: Sequence[Document]) -> list[Reading]:
    """Each document's sentence units, people and organisations, in this process."""
    # a document's readings one after the other: they share its names
    return [(_read_sentences(d), *_read_names(d)) for d in documents]


# Reading who says what is pure Python, one core; from this many new documents, a second
# process reads every other one: 400 GNAD articles 9.6 s alone, 5.8-5.9 s with a second (its
# start included), 200 of them 5.1-5.2 s against 3.6 s.
_SECOND_PROCESS_FROM = 200


def _read_documents(documents: Sequence[Document]) -> list[Reading]:
    """Each document's sentence units and people, in order."""
    if len(documents) < _SECOND_PROCESS_FROM or (os.cpu_count() or 1) < 2:
        return read_documents_here(documents)
    from qa_service.corpus.reading_process import ReadingProcess

    other = ReadingProcess(documents[1::2])
    mine = read_documents_here(documents[0::2])
    theirs = other.result() or read_documents_here(documents[1::2])
    out: list[Reading] = [((), (), ())] * len(documents)
    out[0::2], out[1::2] = mine, theirs
    return out


def build_snapshot(
    fingerprint: str,
    chunks: Sequence,
    documents: Sequence[Document],
    previous: CorpusSnapshot | None = None,
) -> CorpusSnapshot:
    """The snapshot of these documents; a document `previous` holds unchanged keeps its
    sentence units (reading who says what is the costly part), so adding a few articles to a
    thousand reads only those few again; the near-duplicate groups compare only the
    sentences of documents added or changed (and regroup those a removal leaves), and where
    documents were only added, the keyword index reads only their chunks."""
    docs = {d.id: d for d in documents}
    sentences: dict[str, tuple[SentenceUnit, ...]] = {}
    people_in: dict[str, tuple[Person, ...]] = {}
    organisations_in: dict[str, tuple[Organisation, ...]] = {}
    new = []
    unchanged = (
        {d.id for d in documents if previous.documents.get(d.id) == d}
        if previous is not None
        else set()
    )
    for d in documents:
        if d.id in unchanged and d.id in previous.organisations_in:
            sentences[d.id], people_in[d.id] = previous.sentences[d.id], previous.people_in[d.id]
            organisations_in[d.id] = previous.organisations_in[d.id]
        else:
            new.append(d)
    for d, (units, people, orgs) in zip(new, _read_documents(new), strict=True):
        sentences[d.id], people_in[d.id], organisations_in[d.id] = units, people, orgs
    # in the documents' order, however they were read: a build from a previous snapshot is
    # the build of them all
    sentences = {d.id: sentences[d.id] for d in documents}
    people_in = {d.id: people_in[d.id] for d in documents}
    organisations_in = {d.id: organisations_in[d.id] for d in documents}
    speakers: dict[str, list[SentenceUnit]] = defaultdict(list)
    for units in sentences.values():
        for u in units:
            if u.speaker_key:
                speakers[u.speaker_key].append(u)
    all_units = [u for units in sentences.values() for u in units]
    if previous is not None and previous.shingles is not None:  # only the changes compared
        groups, shingles = update_duplicates(
            all_units,
            previous.groups,
            previous.shingles,
            removed=set(previous.documents) - unchanged,
            added=set(docs) - unchanged,
        )
    else:
        groups, shingles = find_duplicates(all_units)
    duplicates = {(u.doc_id, u.start): g for g, members in groups.items() for u in members}
    return CorpusSnapshot(
        fingerprint=fingerprint,
        # Chunks without their document record are a write still under way (or a crashed
        # one that prune will remove): not searchable until the record marks them complete.
        bm25=BM25Index(
            [c for c in chunks if c.doc_id in docs],
            previous=previous.bm25 if previous is not None else None,
        ),
        documents=docs,
        sentences=sentences,
        speakers={k: tuple(v) for k, v in speakers.items()},
        duplicates=duplicates,
        groups=groups,
        people_in=people_in,
        people=people_index(people_in),
        organisations_in=organisations_in,
        organisations=organisations_index(organisations_in),
        shingles=shingles,
    )


@cache
def code_digest() -> str:
    """What the package's code is: a snapshot built by other code may read sentences apart
    differently, so a cached one counts only for the code that wrote it."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


class SnapshotCache:
    """The last snapshot built, on disk, for the store fingerprint and code it was built for.

    Written by whichever process built it (an ingest, a server at its start or after a change)
    and read by a process that starts on an unchanged store. The file is replaced atomically;
    one that cannot be read or written is logged and rebuilt, never fatal. It lives in the data
    directory beside the index and is trusted like it.

    Snapshots of an earlier store state are removed when a newer one is written; those of
    other code for the same state are kept, the `_OTHER_CODE_KEPT` most recently used: two
    checkouts compared on one index (or the old and new release during a restart) each find
    their own instead of rebuilding because the other replaced it.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, fingerprint: str) -> Path:
        return self.directory / f"{fingerprint}-{code_digest()}.pickle"

    def load(self, fingerprint: str) -> CorpusSnapshot | None:
        path = self._path(fingerprint)
        try:
            with path.open("rb") as f:
                snapshot = pickle.load(f)
        except FileNotFoundError:
            return None
        except Exception:
            log.warning("unreadable corpus snapshot cache ignored", extra={"path": str(path)})
            return None
        with contextlib.suppress(OSError):  # used now: kept before other code's (a read-only dir)
            os.utime(path)
        return snapshot if isinstance(snapshot, CorpusSnapshot) else None

    def has(self, fingerprint: str) -> bool:
        return self._path(fingerprint).is_file()

    def latest(self) -> CorpusSnapshot | None:
        """The snapshot this code wrote last, of whatever store state: a process that holds
        none yet builds on it, so `qa ingest` of a few files into a thousand reads those few
        (documents are compared whole, so an older or newer state is as good a start). A
        file listed may be gone when read (another process saved a newer state and removed
        it): then the folder is listed again, or the ingest would read every document (a
        whole build, 26 s at 1,017 articles, was seen beside a server saving its snapshots)."""
        for _ in range(_LISTINGS):
            written = ((_mtime(p), p) for p in self.directory.glob(f"*-{code_digest()}.pickle"))
            gone = False
            for _, path in sorted(((t, p) for t, p in written if t is not None), reverse=True):
                if (snapshot := self.load(path.name.split("-", 1)[0])) is not None:
                    return snapshot
                gone = gone or not path.exists()
            if not gone:
                return None
        return None

    def save(self, snapshot: CorpusSnapshot) -> None:
        path = self._path(snapshot.fingerprint)
        tmp = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                _Pickler(f, protocol=pickle.HIGHEST_PROTOCOL).dump(snapshot)
            os.replace(tmp, path)
            self._prune(path)
        except Exception:  # a read-only data dir or an unpicklable value: each process builds
            log.warning("corpus snapshot cache not written", extra={"path": str(path)})
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)

    def _prune(self, kept: Path) -> None:
        fingerprint = kept.name.split("-", 1)[0]
        others = []
        for path in self.directory.glob("*.pickle"):
            if path == kept:
                continue
            if not path.name.startswith(f"{fingerprint}-"):
                path.unlink(missing_ok=True)  # an earlier state of the store
            elif (used := _mtime(path)) is not None:
                others.append((used, path))
        for _, path in sorted(others, reverse=True)[_OTHER_CODE_KEPT:]:
            path.unlink(missing_ok=True)


class _Pickler(pickle.Pickler):
    """Writes a slotted dataclass (28k sentence units and persons at 1,017 articles) as its
    constructor's arguments instead of a state that `dataclasses` sets field by field, so a
    cold `qa ask` loads the snapshot faster (the BM25 index flattens itself)."""

    def reducer_override(self, obj):
        cls = type(obj)
        names = _init_fields(cls)
        if names is not None:
            return cls, tuple(getattr(obj, name) for name in names)
        return NotImplemented


@cache
def _init_fields(cls: type) -> tuple[str, ...] | None:
    """The fields a slotted dataclass is made from, if its constructor takes them all."""
    if not (is_dataclass(cls) and "__slots__" in vars(cls)) or hasattr(cls, "__post_init__"):
        return None
    found = fields(cls)
    return tuple(f.name for f in found) if all(f.init for f in found) else None


_LISTINGS = 3  # `latest` lists the folder again while the files it listed vanish

# Snapshots of other code kept for the current store state: two is an A/B comparison of two
# checkouts plus one more; six alternating server starts of two checkouts on the 1,017-article
# index each rebuilt (55-71 s) when only the newest file was kept. One file is 17 MB there.
_OTHER_CODE_KEPT = 2


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector off while a snapshot is built.

    A build allocates hundreds of thousands of containers, so the collector made full passes
    over the whole heap, each holding the GIL for 0.1-0.25 s: a server answering on another
    thread stalled that long, several times per rebuild (README, "Performance"). A snapshot
    holds no reference cycles, and after the swap `gc.freeze()` keeps it out of later passes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:  # removed meanwhile by another process's prune
        return None


class CorpusSnapshots:
    """Holds the current snapshot and replaces it when the store changes.

    A change made through this process (`changed()`) is rebuilt on the writer's thread before
    the write returns, so its own next question sees it. A change made by another process is
    noticed by the fingerprint, checked on a background thread every `refresh_seconds`, and
    taken up once it has settled: at once if its writer has cached that state (`qa ingest`
    caches the state it leaves: a load, not a build), else once the checks have found the
    store unchanged for `settle_seconds` (a writer that stopped without caching), or
    `settle_limit` seconds after the first change seen if the writes go on; the check and the
    build pause while a question is answered (`foreground`). A rebuild beside the asks shares
    the GIL with them: on the 1,017-article index, while `qa ingest` re-wrote five of its
    articles beside the server, each write was rebuilt (2-3 rebuilds of 2.1-2.6 s) and the
    asks that overlapped one took up to 552-692 ms against a p95 of 79-95 ms; settled and
    paused, one load of the writer's state, its asks at most 91-125 ms. Readers never wait
    for a check or a rebuild: they keep the snapshot they have until the new one is swapped
    in.
    """

    def __init__(
        self, store: Store, refresh_seconds: float = 2.0, cache: SnapshotCache | None = None
    ) -> None:
        self.store, self.refresh_seconds, self.cache = store, refresh_seconds, cache
        self._current: CorpusSnapshot | None = None
        self._lock = threading.Lock()  # one build at a time
        self._checked_at = 0.0
        self._building = False
        self._read: dict[str, tuple[str, Document]] = {}  # id -> (index key, document)
        self.save_seconds = 5.0  # a background build is cached after this long unchanged
        self.settle_seconds = 5.0  # another process's state is built once unchanged this long
        self.settle_limit = 30.0  # or once this long after its first change seen
        # (fingerprint, when first seen, when the first change since the snapshot was seen)
        self._unsettled: tuple[str, float, float] | None = None
        self._warm = False

    def keep_warm(self) -> CorpusSnapshot:
        """Warm the current snapshot and every later one before it answers (`warm`): for a
        process that answers many questions (the server, MCP), whoever wrote the change."""
        self._warm = True
        return self.current().warm()

    def current(self) -> CorpusSnapshot:
        snapshot = self._current
        if snapshot is None:
            return self._rebuild()
        now = time.monotonic()
        if now - self._checked_at > self.refresh_seconds and not self._building:
            # The check too runs beside the ask: after another process's write, reading
            # every document's metadata for the fingerprint took 50-60 ms at 1,000 articles.
            self._checked_at = now
            self._building = True
            threading.Thread(target=self._follow, daemon=True).start()
        return snapshot

    def changed(self) -> CorpusSnapshot:
        """Rebuild now: this process has just written to the store."""
        return self._rebuild()

    def _follow(self) -> None:
        """The background check: rebuild for another process's writes once they settled;
        paused while a question is answered (`foreground`)."""
        try:
            with in_background():
                if not self._settled(self.store.fingerprint()):
                    return
                self._rebuild(background=True)
                self._unsettled = None
        except Exception:  # the old snapshot keeps serving; the next check tries again
            log.exception("corpus snapshot rebuild failed")
        finally:
            self._building = False

    def _settled(self, fingerprint: str) -> bool:
        """Whether to take up the store's state `fingerprint` now (see the class)."""
        current = self._current
        if current is not None and current.fingerprint == fingerprint:
            self._unsettled = None
            return False
        if self.cache is not None and self.cache.has(fingerprint):
            return True  # its writer is done with it and left it: a load, not a build
        now = time.monotonic()
        seen = self._unsettled
        if seen is None:
            seen = (fingerprint, now, now)
        elif seen[0] != fingerprint:
            seen = (fingerprint, now, seen[2])
        self._unsettled = seen
        return now - seen[1] >= self.settle_seconds or now - seen[2] >= self.settle_limit

    def _save_later(self, snapshot: CorpusSnapshot) -> None:
        """Cache a snapshot built after another process's write once `save_seconds` have
        passed without a newer one, and only if nobody cached that state meanwhile: during
        an ingest beside the server each write is rebuilt and most are superseded, and the
        writer caches the state it leaves itself. Pickling 1,017 articles' snapshot took a
        third of each such rebuild's time, while the server's asks waited for the cores."""

        def save() -> None:
            with in_background():
                if (
                    self._current is snapshot
                    and self.cache is not None
                    and not self.cache.has(snapshot.fingerprint)
                    and self.store.fingerprint() == snapshot.fingerprint
                ):
                    self.cache.save(snapshot)

        timer = threading.Timer(self.save_seconds, save)
        timer.daemon = True
        timer.start()

    def _remember(self, snapshot: CorpusSnapshot) -> None:
        """The documents of a snapshot from the cache count as read under the index keys they
        were built from: the first rebuild after a start (or a `qa ingest` of a few files)
        reads the new ones only, not every document again (1,017 articles: 1.6 -> 0.6 s)."""
        self._read = {
            doc_id: (key, snapshot.documents[doc_id])
            for doc_id, key in snapshot.index_keys.items()
            if key and doc_id in snapshot.documents
        }

    def _read_documents(self) -> list[Document]:
        """The store's documents; one read for an earlier build under the same index key is
        not read again (the 1,017 GNAD and seed articles took ~0.9 s of every rebuild)."""
        read = {}
        for info in self.store.list_documents():
            known = self._read.get(info.id)
            if known is not None and info.index_key and known[0] == info.index_key:
                read[info.id] = known
            elif (doc := self.store.get_document(info.id)) is not None:
                read[info.id] = (info.index_key, doc)
        self._read = read
        return [doc for _, doc in read.values()]

    def _rebuild(self, background: bool = False) -> CorpusSnapshot:
        with self._lock:
            fingerprint = self.store.fingerprint()
            if self._current is not None and self._current.fingerprint == fingerprint:
                return self._current
            t = time.perf_counter()
            snapshot = self.cache.load(fingerprint) if self.cache else None
            how = "loaded"
            if snapshot is None:
                previous = self._current or (self.cache.latest() if self.cache else None)
                if previous is not None and not self._read:
                    self._remember(previous)
                documents = self._read_documents()
                with collector_paused():
                    snapshot = build_snapshot(
                        fingerprint, self.store.all_chunks(), documents, previous=previous
                    )
                how = "built"
                keys = {doc_id: key for doc_id, (key, _) in self._read.items()}
                snapshot = replace(snapshot, index_keys=keys)
                if self.cache and background:
                    self._save_later(snapshot)
                # Saved only if the store is still in the state the build began from: a write
                # during the build may be in the documents read, not in the fingerprint.
                elif self.cache and self.store.fingerprint() == fingerprint:
                    self.cache.save(snapshot)
            if how == "loaded":
                self._remember(snapshot)
            if self._warm:
                snapshot.warm()
            self._current = snapshot
            gc.freeze()  # the snapshot lives long: later collections need not walk it again
            self._checked_at = time.monotonic()
            log.info(
                f"corpus snapshot {how}",
                extra={
                    "documents": len(snapshot.documents),
                    "seconds": round(time.perf_counter() - t, 3),
                },
            )
            return snapshot
