"""The console's Prometheus series."""

from prometheus_client import Counter, Histogram

SIGN_INS = Counter("gridline_console_sign_ins_total", "Sign-in attempts", ["outcome"])
PAGE_SECONDS = Histogram(
    "gridline_console_page_seconds",
    "Server time of a console page, services' calls included",
    ["page"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5),
)
