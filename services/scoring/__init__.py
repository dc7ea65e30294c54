"""考核 scoring: grid workers' monthly points, ranking, quarterly stars, yearly awards (Art. 18)."""

EXTRA_MODULES = {
    "exports": "the office's downloads: .xlsx sheets and .csv of the month, quarter and year",
    "replay": "rebuilding the ledger from the log (gridline scoring rebuild)",
}
