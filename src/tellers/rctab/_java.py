"""Java library behaviour RCTab's output depends on, reproduced exactly.

RCTab is a Java program and four of its outputs depend on Java's library rather than on the
rules: tie-breaks "by lot" draw from ``java.util.Random`` seeded from the config, over names
sorted by ``Collections.sort`` (UTF-16 code units, not code points); the "generate permutation"
mode shuffles with ``Collections.shuffle``; a tie still unbroken after the previous rounds'
counts is drawn from the names in ``java.util.HashSet`` iteration order; and candidates with
equal first-round totals are listed in ``java.util.HashMap`` iteration order (the report sorts a
HashMap's entries with a stable sort).  This module reproduces those.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableSequence
from typing import TypeVar

__all__ = ["JavaRandom", "hashmap_order", "hashset_order", "java_sorted", "shuffle", "string_hash"]

T = TypeVar("T")

_MULTIPLIER = 0x5DEECE66D
_ADDEND = 0xB
_MASK = (1 << 48) - 1
_DOUBLE_UNIT = 1.0 / (1 << 53)


def _int32(v: int) -> int:
    """Wrap to a signed 32-bit int, as a Java ``(int)`` cast does."""
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


class JavaRandom:
    """``java.util.Random``: the 48-bit linear congruential generator, bit for bit."""

    def __init__(self, seed: int) -> None:
        self._seed = (seed ^ _MULTIPLIER) & _MASK

    def next(self, bits: int) -> int:
        """Return the next ``bits`` random bits as a signed int (``Random.next``)."""
        self._seed = (self._seed * _MULTIPLIER + _ADDEND) & _MASK
        return _int32(self._seed >> (48 - bits))

    def next_int(self, bound: int) -> int:
        """Return a uniform int in ``[0, bound)`` (``Random.nextInt(int)``)."""
        if bound <= 0:
            raise ValueError("bound must be positive")
        if bound & -bound == bound:
            return _int32((bound * self.next(31)) >> 31)
        while True:
            bits = self.next(31)
            val = bits % bound
            # Java rejects the top partial range by testing for int overflow.
            if _int32(bits - val + (bound - 1)) >= 0:
                return val

    def next_double(self) -> float:
        """Return a uniform double in ``[0, 1)`` (``Random.nextDouble``)."""
        return ((self.next(26) << 27) + self.next(27)) * _DOUBLE_UNIT


def shuffle(items: MutableSequence[T], rnd: JavaRandom) -> None:
    """Shuffle in place exactly as ``Collections.shuffle(list, rnd)`` does."""
    for i in range(len(items), 1, -1):
        j = rnd.next_int(i)
        items[i - 1], items[j] = items[j], items[i - 1]


def string_hash(s: str) -> int:
    """Return ``String.hashCode()``: 31-based over UTF-16 code units, as an unsigned int."""
    h = 0
    data = s.encode("utf-16-be")
    for i in range(0, len(data), 2):
        h = (31 * h + ((data[i] << 8) | data[i + 1])) & 0xFFFFFFFF
    return h


def _table_size_for(cap: int) -> int:
    """Return the power of two HashMap uses for a requested capacity."""
    n = 1
    while n < cap:
        n <<= 1
    return n


def hashmap_order(keys: Iterable[str], *, initial_capacity: int = 16) -> list[str]:
    """Return the order a ``java.util.HashMap`` built by putting ``keys`` in turn iterates in.

    A HashMap walks its bucket array in index order, and each bucket in insertion order (a
    resize splits buckets without reordering them).  The table starts at ``initial_capacity``
    and doubles whenever the size passes three quarters of it.  Duplicate keys keep their
    first position.  (Buckets long enough to become trees need 8 colliding keys in a table of
    at least 64; candidate lists never come near that.)
    """
    unique = list(dict.fromkeys(keys))
    cap = _table_size_for(initial_capacity)
    # Java resizes when the new size exceeds the threshold, (int)(capacity * 0.75).
    while len(unique) > cap * 3 // 4:
        cap *= 2
    position = {k: i for i, k in enumerate(unique)}

    def bucket(k: str) -> tuple[int, int]:
        h = string_hash(k)
        return ((h ^ (h >> 16)) & (cap - 1), position[k])

    return sorted(unique, key=bucket)


def hashset_order(keys: Iterable[str]) -> list[str]:
    """Return the order ``new HashSet<>(keys)`` iterates in, on Java 21 (RCTab's runtime).

    Since Java 19 the copy constructor sizes its table with ``HashMap.newHashMap(max(n, 12))``:
    room for ``n`` keys at load factor 0.75 without a resize, so 16 buckets up to 12 keys, 32 up
    to 24.  (Java 17 asked for ``n / 0.75 + 1`` and so doubled the table at exactly 12 or 24.)
    """
    unique = list(dict.fromkeys(keys))
    n = max(len(unique), 12)
    return hashmap_order(unique, initial_capacity=-(-n * 4 // 3))


def java_sorted(names: Iterable[str]) -> list[str]:
    """Return ``names`` as ``Collections.sort`` orders Strings: by UTF-16 code unit.

    Python compares code points; the two differ only when a name holds a character beyond
    U+FFFF (a surrogate pair sorts below U+E000..U+FFFF in Java).
    """
    return sorted(names, key=lambda s: s.encode("utf-16-be"))
