"""The one category taxonomy and each source's words for it (``taxonomy.yaml``, validated in
``config.py``): how a source's category name or an order's text becomes one of our codes."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

UNCLASSIFIED = "UNCLASSIFIED"


@dataclass(frozen=True)
class Taxonomy:
    categories: Mapping[str, str]
    """code → Chinese label; always holds ``UNCLASSIFIED``."""
    aliases: Mapping[str, Sequence[str]]
    keywords: Mapping[str, Sequence[str]]

    def label(self, code: str) -> str:
        return self.categories.get(code, code)

    def classify(self, source_category: str, *texts: str) -> tuple[str, str]:
        """(code, how it was decided): alias of the whole name or of its last segment, then
        keywords in the text, else UNCLASSIFIED for triage."""
        wanted = source_category.strip()
        segments = [wanted, *reversed([s for s in wanted.replace("／", "-").split("-") if s])]
        for candidate in segments:
            for code, words in self.aliases.items():
                if candidate in words or candidate.upper() == code:
                    return code, f"alias:{candidate}"
        haystack = " ".join((wanted, *texts))
        for code, words in self.keywords.items():
            for word in words:
                if word in haystack:
                    return code, f"keyword:{word}"
        return UNCLASSIFIED, "unclassified"
