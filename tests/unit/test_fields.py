"""The request field types: a text is bounded, storable and masked by its type alone."""

import pytest
from pydantic import BaseModel, Field, ValidationError

from shared.fields import Key, Text60, Text200


class Sample(BaseModel):
    note: Text200 = ""
    name: Text60 = Field(min_length=1)
    code: Key = "K"


def test_phones_are_masked_as_the_model_is_built() -> None:
    got = Sample(note="联系 +86 139 0635 1234 或 0635-8212345", name="周 １３９０６３５１２３４")
    assert got.note == "联系 +86 139****1234 或 0635-***2345"
    assert got.name == "周 139****1234"


def test_the_maximum_is_the_types_and_documented() -> None:
    properties = Sample.model_json_schema()["properties"]
    assert (properties["note"]["maxLength"], properties["name"]["maxLength"]) == (200, 60)
    assert properties["name"]["minLength"] == 1 and properties["code"]["maxLength"] == 64
    with pytest.raises(ValidationError):
        Sample(note="字" * 201, name="周")


def test_a_nul_character_is_refused_not_stored() -> None:
    with pytest.raises(ValidationError, match="NUL"):
        Sample(note="a\x00b", name="周")
    with pytest.raises(ValidationError, match="NUL"):
        Sample(name="周", code="W-03\x0001")
