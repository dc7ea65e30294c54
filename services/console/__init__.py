"""The web console: the pages operators, grid workers, heads and the duty room work in."""
