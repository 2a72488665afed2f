"""Work shared by this process and forked workers: the results come back in order."""

from __future__ import annotations

import os
import time

import pytest

from frostpage.parallel import Background, in_workers


def work(part: list[int]) -> list[tuple[int, int]]:
    time.sleep(0.01)  # long enough for every process to take some slices
    if -1 in part:
        raise ValueError("no negative items")
    return [(item, os.getpid()) for item in part]


def test_this_process_works_beside_its_workers_and_every_result_comes_back_in_order(
    monkeypatch,
):
    """One worker fewer than cores: this process takes a slice whenever the next result is
    not ready, so it is not one more copy of itself doing nothing but wait."""
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    results = [result for part in in_workers(work, list(range(400)), size=4) for result in part]
    assert [item for item, _ in results] == list(range(400))
    processes = {pid for _, pid in results}
    assert os.getpid() in processes
    assert len(processes) == 3


def test_the_last_slices_are_smaller_so_that_no_process_waits_long_for_another(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    sizes = [len(part) for part in in_workers(lambda part: part, list(range(1000)), size=32)]
    assert sum(sizes) == 1000
    assert sizes[0] == 32 and sizes[-1] == 1
    assert sizes == sorted(sizes, reverse=True)


def test_an_error_in_any_slice_reaches_the_caller(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    for failing in (0, 7, 99):  # a slice this process or the worker may take
        items = [*range(failing * 4), -1, *range(400)]
        with pytest.raises(ValueError, match="no negative items"):
            list(in_workers(work, items, size=4))


def test_work_in_the_background_is_done_in_another_process_and_only_its_result_comes_back(
    monkeypatch,
):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert Background(os.getpid).result() not in (None, os.getpid())
    assert Background(lambda: 1 // 0).result() is None  # its error: the caller does without
    assert Background(os.getpid, wanted=False).result() is None
    waiting = Background(lambda: time.sleep(60))
    assert waiting.process is not None
    process = waiting.process
    waiting.close()  # no longer wanted: stopped, not waited for
    assert not process.is_alive()
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert Background(os.getpid).result() is None  # one core: nothing runs beside this one
