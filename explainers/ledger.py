"""Claims as data (claims.json, the claims/ ledger page): the claims-as-data issue fills this module in."""
from __future__ import annotations


def render_files(site, pages, env) -> dict[str, bytes]:
    """Files beside the pages, by output path."""
    return {}
