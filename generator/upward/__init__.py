"""Upward: the bureau's report to the level above (``board report``) and the city's roll-up of many boards."""
