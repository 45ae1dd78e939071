"""The hostile-input campaign at a size that fits the test suite (issue 11, section 4)."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.campaign import lost_chars, run


def test_lost_chars_counts_only_text_outside_the_spans() -> None:
    spans = [{"start": 4, "end": 17, "match": "revolutionary"}]
    assert lost_chars("Our revolutionary care.", "Our new care.", spans) == 0
    assert lost_chars("Our revolutionary care.", "Our new car", spans) == 2


def test_small_campaign_finds_no_crash_hang_bad_span_or_lost_byte(tmp_path: Path) -> None:
    tally = run(tmp_path, seed=11, inputs=180, size=2000, kills=2, concurrent=1, sigterms=2,
                timeout=120)
    assert tally.inputs == 180
    assert tally.findings > 300 and tally.fixed_files > 20, tally.table()
    assert tally.kill_trials == 2 and tally.term_trials == 2 and tally.concurrent_trials == 1
    assert not tally.failures(), "\n".join(tally.failures()[:20])
