"""The production store passes the shared contract, embedded on a temp dir."""

import pytest

from qa_service.stores.chroma import ChromaStore
from tests.contracts.store import StoreContract


class TestEmbeddedChromaStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        return ChromaStore(path=str(tmp_path / "chroma"))
