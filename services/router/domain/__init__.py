"""The router's rules, pure: who gets an order (chain), what moves an order allows (lifecycle),
which linked call rides on its incident (incidents), who is reachable (roster), what would leave
an order with nobody (coverage). No database, no HTTP, no broker."""
