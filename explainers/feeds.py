"""Publishing outputs (sitemap.xml, feed.xml): the publishing issue fills this module in."""
from __future__ import annotations


def render_files(site, pages, env) -> dict[str, bytes]:
    """Files beside the pages, by output path."""
    return {}
