"""ClaimInlineProcessor.get_label, visiting brackets only, gives what the loop over every character gave."""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings, strategies as st

from explainers.claims_md import ClaimInlineProcessor

settings.register_profile("ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def reference(data: str, index: int) -> tuple[str, int, bool]:
    """get_label as it was: one step per character."""
    depth = 1
    for pos in range(index, len(data)):
        c = data[pos]
        if c == "\\":
            continue
        if c == "[" and data[pos - 1] != "\\":
            depth += 1
        elif c == "]" and data[pos - 1] != "\\":
            depth -= 1
            if depth == 0:
                return data[index:pos], pos + 1, True
    return "", len(data), False


TEXT = st.lists(st.sampled_from(list("[]\\^a *`") + ["\\[", "\\]", "\\\\", "[^a]", "][^b]"]), max_size=30).map("".join)


@given(TEXT, st.integers(0, 40))
def test_get_label_is_the_character_loop(data, index):
    assert ClaimInlineProcessor.get_label(data, index) == reference(data, index)


@given(st.text(max_size=50), st.integers(0, 55))
def test_get_label_on_any_text(data, index):
    assert ClaimInlineProcessor.get_label(data, index) == reference(data, index)
