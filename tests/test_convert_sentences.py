"""split_sentences gives exactly what SENTENCE_END_RE.split gives."""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings, strategies as st

from explainers.claims_md import SENTENCE_END_RE, split_sentences

settings.register_profile("ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CHARS = list(".!?…\"'”’)( \n\t\u00a0\u2003ab") + ["Mr. ", "? ", ".) ", "…” ", ". . ", "\x02"]


@given(st.lists(st.sampled_from(CHARS), max_size=30).map("".join))
def test_split_sentences_is_the_lookbehind_split(text):
    assert split_sentences(text) == SENTENCE_END_RE.split(text)


@given(st.text(max_size=60))
def test_split_sentences_on_any_text(text):
    assert split_sentences(text) == SENTENCE_END_RE.split(text)


def test_examples():
    for text in ["", " ", "a. b", "a.  b! c? d… e", "“We left.” Then", "a.) b", ". . .", "end.", "x ."]:
        assert split_sentences(text) == SENTENCE_END_RE.split(text), text
