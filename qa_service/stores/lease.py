"""StoreLease: one ingest at a time across every process that writes to one shared store.

A file lock serialises the writers of one data directory; processes on several machines
that share a `chroma run` server need the lock in the store itself. Chroma has no
compare-and-swap, so the lease is Lamport's bakery algorithm over plain rows (one per
contender; it needs only that a read sees every write finished before it began):

1. write my row with `choosing` set;
2. read every row; my number is one more than the largest;
3. write my row with that number and `choosing` cleared;
4. wait until no other live row is choosing and none holds a smaller (number, owner).

A contender that starts after step 3 reads my number and takes a larger one; one that
started earlier is seen choosing in step 4 and waited for. Rows carry an expiry that a
background thread renews, so a crashed writer's row stops counting after `ttl` seconds.
Expiry compares wall clocks: the writers' clocks must agree to well within `ttl`.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claim:
    owner: str
    number: int  # 0 while choosing
    choosing: bool
    expires: float  # wall-clock seconds


class ClaimTable(Protocol):
    """Rows of contenders for the lease, kept in the shared store."""

    def claims(self) -> list[Claim]: ...

    def put_claim(self, claim: Claim) -> None:
        """Insert or replace the row of `claim.owner`."""

    def drop_claim(self, owner: str) -> None: ...


class StoreLease:
    """`with lease:` holds the store's ingest lease; re-entering from the same thread nests."""

    def __init__(
        self,
        table: ClaimTable,
        ttl: float = 30.0,
        poll: float = 0.1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.table, self.ttl, self.poll, self.clock = table, ttl, poll, clock
        self._local = threading.local()

    def __enter__(self) -> StoreLease:
        held = getattr(self._local, "held", None)
        if held is not None:
            held.depth += 1
            return self
        self._local.held = _Held.acquire(self)
        return self

    def __exit__(self, *_exc) -> None:
        held = self._local.held
        held.depth -= 1
        if held.depth == 0:
            self._local.held = None
            held.release()


class _Held:
    """One acquisition: my row, and the thread that keeps it alive until release."""

    def __init__(self, lease: StoreLease) -> None:
        self.lease = lease
        self.claim = Claim(uuid.uuid4().hex, 0, True, lease.clock() + lease.ttl)
        self.depth = 1
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._renewer = threading.Thread(target=self._renew, name="ingest-lease", daemon=True)

    @classmethod
    def acquire(cls, lease: StoreLease) -> _Held:
        held = cls(lease)
        try:
            held._take()
        except BaseException:
            held.release()
            raise
        return held

    def _put(self, **changes) -> None:
        with self._lock:
            self.claim = replace(self.claim, **changes)
            self.lease.table.put_claim(self.claim)

    def _live(self) -> list[Claim]:
        now = self.lease.clock()
        rows = self.lease.table.claims()
        for row in rows:
            if row.expires < now and row.owner != self.claim.owner:
                self.lease.table.drop_claim(row.owner)  # a crashed writer's row
        return [r for r in rows if r.expires >= now and r.owner != self.claim.owner]

    def _take(self) -> None:
        lease = self.lease
        self._put()  # 1. choosing
        self._renewer.start()
        number = 1 + max((r.number for r in self._live()), default=0)  # 2.
        self._put(number=number, choosing=False)  # 3.
        waited = 0.0
        while True:  # 4.
            ahead = [
                r
                for r in self._live()
                if r.choosing or (r.number > 0 and (r.number, r.owner) < (number, self.claim.owner))
            ]
            if not ahead:
                log.info(
                    "ingest lease taken", extra={"owner": self.claim.owner, "waited_s": waited}
                )
                return
            pause = lease.poll * (1 + random.random())
            time.sleep(pause)
            waited += pause

    def _renew(self) -> None:
        while not self._stop.wait(self.lease.ttl / 3):
            try:
                self._put(expires=self.lease.clock() + self.lease.ttl)
            except Exception as exc:  # any failure: retried, else the row lapses
                log.warning("ingest lease not renewed: %s", exc)

    def release(self) -> None:
        self._stop.set()
        if self._renewer.is_alive():
            self._renewer.join()
        try:
            self.lease.table.drop_claim(self.claim.owner)
        except Exception as exc:  # the row lapses after ttl anyway
            log.warning("ingest lease not released: %s", exc)
