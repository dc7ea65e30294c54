"""The keys an operator may type for a 类别 or 小区: initials, full pinyin, the name, the code."""

from services.console.typeahead import category_keys, community_keys, keys


def test_initials_pinyin_name_and_code_are_keys() -> None:
    assert keys("漏水", "LEAK").split() == ["ls", "loushui", "漏水", "leak"]
    assert category_keys({"LOW_PRESSURE": "水压低"}) == {
        "LOW_PRESSURE": "syd shuiyadi 水压低 low_pressure"
    }
    assert community_keys(["水城花园"])["水城花园"].split()[0] == "schy"
    # Letters and digits in a name are kept; nothing is lost that the operator might type.
    assert keys("3号楼").split()[0].startswith("3")
