"""A tuple made only when first read, for the parts of a result that most callers
never look at (benchmarks/bench.py, (b): a JSON result, as `batch` and the API write
it, reads neither the rules that fired nor why each exercise was chosen)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Optional, TypeVar, overload

T = TypeVar("T")


class Deferred(Sequence[T]):
    """Behaves as the tuple `make()` returns, which it calls once, on first use."""

    __slots__ = ("_items", "_make")

    def __init__(self, make: Callable[[], tuple[T, ...]]) -> None:
        self._make: Optional[Callable[[], tuple[T, ...]]] = make
        self._items: tuple[T, ...] = ()

    def _all(self) -> tuple[T, ...]:
        if self._make is not None:
            self._items, self._make = self._make(), None
        return self._items

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __eq__(self, other: object) -> bool:
        mine = self._all()
        return mine == (other._all() if isinstance(other, Deferred) else other)

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return f"Deferred({self._all()!r})"
