"""Organisations, elections, candidates, the voter roll, roles and voters' credentials."""
