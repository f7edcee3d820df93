"""The in-memory fake passes the same contract as Chroma, so tests built on it are honest."""

import pytest

from tests.contracts.store import StoreContract
from tests.fakes import InMemoryStore


class TestInMemoryStore(StoreContract):
    @pytest.fixture
    def store(self):
        return InMemoryStore()
