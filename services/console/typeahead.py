"""What an operator may type to pick a 类别 or a 小区 at keyboard speed: the name itself, its
pinyin, or the pinyin's initials (``ls`` for 漏水, ``schy`` for 水城花园), computed once at start
into the page's data attributes so the browser matches without a dictionary of its own."""

from collections.abc import Iterable, Mapping
from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=4096)  # every page load asks for the same few dozen names
def keys(name: str, *more: str) -> str:
    """Space-separated lower-case keys, the most specific first: initials, full pinyin, the name
    and anything else it is known by (a category's code)."""
    syllables = lazy_pinyin(name)
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))
    found = [initials, "".join(syllables), name, *more]
    return " ".join(dict.fromkeys(k.lower() for k in found if k))


def category_keys(categories: Mapping[str, str]) -> dict[str, str]:
    return {code: keys(name, code) for code, name in categories.items()}


def community_keys(communities: Iterable[str]) -> dict[str, str]:
    return {name: keys(name) for name in communities}
