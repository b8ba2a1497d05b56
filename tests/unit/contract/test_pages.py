"""Cursor pages: every item once, in order, whatever the page size; a cursor this service did not
make is refused (422 BAD_CURSOR), never read as some other position."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from contracts.errors import InvalidInput
from plumbing.edges import pages


@given(versions=st.lists(st.integers(1, 10_000), unique=True, max_size=60).map(sorted), limit=st.integers(1, 25))
def test_following_next_cursors_shows_every_item_once_in_order(versions, limit):
    seen, cursor = [], None
    while True:
        shown, cursor = pages.after(versions, cursor, limit, lambda v: v)
        assert len(shown) <= limit
        seen += shown
        if cursor is None:
            break
    assert seen == versions


def test_the_last_page_has_no_next_cursor():
    assert pages.page([1, 2], 2, lambda v: (v,)) == ([1, 2], None)
    assert pages.page([1, 2, 3], 2, lambda v: (v,)) == ([1, 2], pages.encode((2,)))


@pytest.mark.parametrize("cursor", ["", "!!!", "bm90LWEtY3Vyc29y", pages.encode((1, 2)), pages.encode(([1],))])
def test_a_cursor_this_list_did_not_give_is_refused(cursor):
    with pytest.raises(InvalidInput) as refused:
        pages.decode(cursor, 1)
    assert refused.value.code == "BAD_CURSOR"
