"""The web console: the pages operators, grid workers, heads and the duty room work in."""

EXTRA_MODULES = {
    "live": "the console's own reader of the order and activity topics and the hub that pushes "
    "what changed to each open page (server-sent events)",
    "typeahead": "the keys an operator may type to pick a 类别 or 小区: name, pinyin, initials",
}
