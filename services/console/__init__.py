"""The web console: the pages operators, grid workers, heads and the duty room work in."""

EXTRA_MODULES = {
    "live": "the console's own reader of the order and activity topics and the hub that pushes "
    "what changed to each open page (server-sent events)",
    "runtime": "the console's context (accounts database, the services' client, templates, the "
    "live hub) and the lifespan that opens and closes it: what ServiceRuntime is to a service",
    "typeahead": "the keys an operator may type to pick a 类别 or 小区: name, pinyin, initials",
}
