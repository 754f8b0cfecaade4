"""`sort`'s merge sort: libstdc++'s std::stable_sort, step by step."""

from __future__ import annotations

from typing import Any

from evaluator.vm.values import Frame

# `sort` reproduces libstdc++'s std::stable_sort step by step (the one C++
# Nix calls), so that a comparator sees the same pairs in the same order:
# which error is raised first, and what `trace` prints, match Nix.
_CHUNK = 7


def _insertion_sort(v: list[Any], first: int, last: int, less: Any) -> Frame:
    for i in range(first + 1, last):
        val = v[i]
        r = less(val, v[first])
        if r if type(r) is bool else (yield from r):
            v[first + 1 : i + 1] = v[first:i]
            v[first] = val
        else:
            j = i - 1
            while True:
                r = less(val, v[j])
                if not (r if type(r) is bool else (yield from r)):
                    break
                v[j + 1] = v[j]
                j -= 1
            v[j + 1] = val


def _move_merge(
    src: list[Any], f1: int, l1: int, f2: int, l2: int, dst: list[Any], out: int, less: Any
) -> Frame:
    while f1 != l1 and f2 != l2:
        r = less(src[f2], src[f1])
        if r if type(r) is bool else (yield from r):
            dst[out] = src[f2]
            f2 += 1
        else:
            dst[out] = src[f1]
            f1 += 1
        out += 1
    n1 = l1 - f1
    dst[out : out + n1] = src[f1:l1]
    out += n1
    n2 = l2 - f2
    dst[out : out + n2] = src[f2:l2]
    return out + n2


def _merge_sort_loop(
    src: list[Any], first: int, last: int, dst: list[Any], out: int, step: int, less: Any
) -> Frame:
    two = 2 * step
    while last - first >= two:
        out = yield from _move_merge(
            src, first, first + step, first + step, first + two, dst, out, less
        )
        first += two
    step = min(last - first, step)
    yield from _move_merge(src, first, first + step, first + step, last, dst, out, less)


def _merge_sort_with_buffer(v: list[Any], first: int, last: int, less: Any) -> Frame:
    length = last - first
    f = first
    while last - f >= _CHUNK:
        yield from _insertion_sort(v, f, f + _CHUNK, less)
        f += _CHUNK
    yield from _insertion_sort(v, f, last, less)
    buf = v[first:last]
    step = _CHUNK
    while step < length:
        yield from _merge_sort_loop(v, first, last, buf, 0, step, less)
        step *= 2
        yield from _merge_sort_loop(buf, 0, length, v, first, step, less)
        step *= 2


def _merge_adaptive(v: list[Any], first: int, middle: int, last: int, less: Any) -> Frame:
    len1 = middle - first
    len2 = last - middle
    if len1 <= len2:
        buf = v[first:middle]
        b, f2, out = 0, middle, first
        while b < len1 and f2 < last:
            r = less(v[f2], buf[b])
            if r if type(r) is bool else (yield from r):
                v[out] = v[f2]
                f2 += 1
            else:
                v[out] = buf[b]
                b += 1
            out += 1
        v[out : out + len1 - b] = buf[b:]
        return
    buf = v[middle:last]
    if len2 == 0:
        return
    l1, l2, res = middle - 1, len2 - 1, last
    while True:
        res -= 1
        r = less(buf[l2], v[l1])
        if r if type(r) is bool else (yield from r):
            v[res] = v[l1]
            if l1 == first:
                v[res - l2 - 1 : res] = buf[: l2 + 1]
                return
            l1 -= 1
        else:
            v[res] = buf[l2]
            if l2 == 0:
                return
            l2 -= 1


def stable_sort(v: list[Any], less: Any) -> Frame:
    """Sort ``v`` in place with the comparator ``less``, as std::stable_sort.

    ``less(a, b)`` returns a Boolean, or a generator (run with ``yield from``)
    giving one when it needs the loop.
    """
    n = len(v)
    if n == 0:
        return
    middle = (n + 1) // 2
    yield from _merge_sort_with_buffer(v, 0, middle, less)
    yield from _merge_sort_with_buffer(v, middle, n, less)
    yield from _merge_adaptive(v, 0, middle, n, less)
