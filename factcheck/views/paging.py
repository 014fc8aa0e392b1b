"""Pages of a long list without counting all of it (issue 14: ``COUNT(*)`` over 100,000 claims).

The count stops at ``cap`` + 1 rows: beyond it the list says "10,000+" and the pager goes as far
as the cap; filters narrow a list long before anyone pages that deep."""

from functools import cached_property

from django.core.paginator import Paginator

CAP = 10_000


class CappedPaginator(Paginator):
    cap = CAP

    @cached_property
    def _found(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()  # type: ignore[attr-defined]  # a QuerySet

    @cached_property
    def count(self) -> int:
        return min(self._found, self.cap)

    @property
    def capped(self) -> bool:
        """More than ``cap`` items: the count shown is a floor."""
        return self._found > self.cap
