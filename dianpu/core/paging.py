"""Paging for very long lists: a paginator whose count stops at a bound.

Counting a million orders to print "page 1 of 20,000" costs more than the page itself; past
`bound` rows the count is reported as "bound+" and only the first bound ÷ page size pages are
reachable (filters narrow it down). The query behind `count` is
`SELECT COUNT(*) FROM (SELECT … LIMIT bound + 1)`, which stops reading at the bound."""

from functools import cached_property

from django.core.paginator import Paginator

COUNT_BOUND = 10_000


class BoundedPaginator(Paginator):
    def __init__(self, object_list, per_page, bound: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.bound = bound or COUNT_BOUND

    @cached_property
    def _counted(self) -> int:
        return self.object_list[: self.bound + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.bound)

    @cached_property
    def is_bounded(self) -> bool:
        """True when there are more rows than were counted."""
        return self._counted > self.bound
