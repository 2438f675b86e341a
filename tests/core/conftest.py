"""Fixtures of the core tests: data made by core functions themselves, without Processing or the plugin."""

from __future__ import annotations

import pytest

from lis_qgis_plugin.core.sample.sample_files import SampleFiles, write_sample_district


@pytest.fixture(scope="session")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> SampleFiles:
    """The default sample district as the core generator writes it (lis:createsample writes the same), once."""
    return write_sample_district(tmp_path_factory.mktemp("core_sample"))
