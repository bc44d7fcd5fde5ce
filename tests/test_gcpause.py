"""The collector pause used by imports and PDF builds gives back the state it found."""

from __future__ import annotations

import gc

import pytest

from dossier.gcpause import cyclic_gc_paused


def test_the_collector_runs_again_after_the_pause_even_when_the_work_fails():
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        raise RuntimeError("failed")
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused():
    gc.disable()
    try:
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
