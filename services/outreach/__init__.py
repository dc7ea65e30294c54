"""Outreach: water notices to the communities, the WeChat group register and trainings."""

EXTRA_MODULES = {"exports": "the training register as an xlsx workbook"}
