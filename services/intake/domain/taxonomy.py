"""The one category taxonomy and each source's words for it, loaded from ``taxonomy.yaml``."""

from typing import Self

from pydantic import BaseModel, ConfigDict, model_validator

UNCLASSIFIED = "UNCLASSIFIED"


class Taxonomy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    categories: dict[str, str]
    aliases: dict[str, list[str]]
    keywords: dict[str, list[str]]

    @model_validator(mode="after")
    def _known_codes(self) -> Self:
        if UNCLASSIFIED not in self.categories:
            raise ValueError(f"categories must include {UNCLASSIFIED}")
        unknown = (set(self.aliases) | set(self.keywords)) - set(self.categories)
        if unknown:
            raise ValueError(f"aliases/keywords name unknown categories: {sorted(unknown)}")
        return self

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
