"""The shipped dataset: valid, fingerprinted, sourced, and every number backed by its quote."""

import re

import pandas as pd
import pytest

from cathodeml.schema import DATASET_COLUMNS, TARGETS
from cathodeml.data.dataset import build_datacard, dataset_path, load_datacard, load_dataset, sha256_bytes


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(dataset_path(), dtype=str, keep_default_na=False)


def test_schema_accepts_every_row():
    frame = load_dataset()  # raises with every problem if any row breaks a rule
    assert len(frame) > 0


def test_header_is_exactly_canonical(raw):
    assert list(raw.columns) == list(DATASET_COLUMNS)


def test_sha256_matches_datacard():
    card = load_datacard()
    assert sha256_bytes(dataset_path().read_bytes()) == card.sha256


def test_datacard_is_current():
    card = load_datacard()
    fresh = build_datacard(dataset_path(), name=card.name, version=card.version, description=card.description)
    assert fresh == card


def test_record_ids_unique_and_sources_present(raw):
    assert raw["record_id"].is_unique
    assert (raw["source"].str.strip() != "").all()


def test_sources_are_bare_lowercase_dois_or_urls(raw):
    for s in raw["source"]:
        assert not s.startswith("https://doi.org/"), s
        if s.startswith("10."):
            assert s == s.lower(), s


@pytest.mark.parametrize("target", TARGETS)
def test_every_target_number_appears_verbatim_in_notes(raw, target):
    """The curation-honesty test: the number as written in the CSV must stand in the quote."""
    missing = []
    for _, row in raw.iterrows():
        value = row[target].strip()
        if not value:
            continue
        pattern = rf"(?<![\d.]){re.escape(value)}(?!\d)"
        if not re.search(pattern, row["notes"]):
            missing.append((row["record_id"], value))
    assert not missing, f"{target} values not found verbatim in notes: {missing}"


def test_every_row_has_a_quote(raw):
    assert (raw["notes"].str.len() > 20).all()
