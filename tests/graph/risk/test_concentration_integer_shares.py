"""Layer shares in integers over a common scale equal the exact Fraction metrics."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.risk.concentration_models import ConcentrationPolicy, Weighting
from graph.risk.concentration_shares import _metrics, concentration_metrics

weights = st.lists(st.integers(min_value=0, max_value=10**9), max_size=12)


@settings(max_examples=300, deadline=None)
@given(weights, st.sampled_from([1, 2, 6, 12, 60, 2520]))
def test_integer_metrics_equal_the_fraction_metrics(values: list[int], scale: int) -> None:
    policy = ConcentrationPolicy()
    as_fractions = {f"v{i}": Fraction(w, scale) for i, w in enumerate(values)}
    expected = concentration_metrics(as_fractions, Weighting.HOSTS, policy=policy)
    assert _metrics(values, scale, Weighting.HOSTS, policy) == expected


def test_one_dominant_supplier_stays_below_the_monopoly_value() -> None:
    """Many tiny rivals: the exact HHI rounds to 10,000 but is reported just below it."""
    policy = ConcentrationPolicy()
    values = [10**17, 1, 1]
    got = _metrics(values, 3, Weighting.HOSTS, policy)
    assert got.hhi is not None and got.hhi < 10_000.0
    expected = concentration_metrics(
        {str(i): Fraction(w, 3) for i, w in enumerate(values)}, Weighting.HOSTS, policy=policy
    )
    assert got == expected
