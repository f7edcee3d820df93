"""The ingest lease (bakery algorithm over store rows): one holder at a time, in order, and a
crashed holder's row stops counting once it expires. InMemoryStore as the shared store; the
two-process test on a real Chroma server is in tests/integration/test_chroma_server.py."""

from __future__ import annotations

import threading
import time

from qa_service.stores.lease import Claim, StoreLease
from tests.fakes import InMemoryStore


def test_threads_with_their_own_lease_objects_never_overlap():
    store = InMemoryStore()
    inside, overlaps, entries = [0], [0], []
    guard = threading.Lock()

    def work(n: int) -> None:
        lease = StoreLease(store, ttl=5, poll=0.001)  # one per "process"
        for _ in range(5):
            with lease:
                with guard:
                    inside[0] += 1
                    overlaps[0] += inside[0] > 1
                time.sleep(0.002)
                with guard:
                    inside[0] -= 1
                    entries.append(n)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert overlaps[0] == 0 and len(entries) == 20
    assert store.claims() == []  # every row released


def test_nested_use_in_one_thread_is_one_hold():
    store = InMemoryStore()
    lease = StoreLease(store, ttl=5)
    with lease, lease:
        assert len(store.claims()) == 1
    assert store.claims() == []


def test_an_expired_row_does_not_block_and_is_removed():
    store = InMemoryStore()
    store.put_claim(Claim("crashed", 1, False, expires=time.time() - 1))
    with StoreLease(store, ttl=5):
        assert [c.owner for c in store.claims()] != ["crashed"]
    assert store.claims() == []


def test_a_live_holder_blocks_until_its_row_expires():
    store = InMemoryStore()
    now = [1000.0]
    store.put_claim(Claim("holder", 1, False, expires=1010.0))
    taken = threading.Event()

    def contender() -> None:
        with StoreLease(store, ttl=5, poll=0.001, clock=lambda: now[0]):
            taken.set()

    t = threading.Thread(target=contender)
    t.start()
    assert not taken.wait(0.2)  # the holder's row is live: the contender waits
    now[0] = 1011.0  # the holder stopped renewing (crashed); its row lapses
    assert taken.wait(5)
    t.join()


def test_the_lease_is_renewed_while_held():
    store = InMemoryStore()
    with StoreLease(store, ttl=0.3):
        first = store.claims()[0].expires
        time.sleep(0.25)
        assert store.claims()[0].expires > first
