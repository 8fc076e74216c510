"""The annotated-explainer builder: Markdown pages with front-matter claims become a static site.

The pipeline, in the order ``builder.build`` runs it:

    load_site    load.py       site.yaml            -> Site
    read_page    load.py       content/*.md         -> Page      (front matter checked field by field)
    parse_pages  pipeline.py   Markdown bodies      -> Page.doc  (claims extension: references, links)
    check        pipeline.py   the whole site       -> more Problems (unused claims, broken links, slugs)
    render       render.py     Jinja2 layouts       -> {path: bytes or reusable Path}
    write        output.py     a temporary folder   -> swapped in for the output folder

``builder.py`` takes unchanged pages from the cache (``cache.py``) and reads, converts and
renders the rest in worker processes when there are many (``parallel.py``); the preview
keeps its last build in memory (``builder.Warm``).

Every phase appends to one ``Problems`` list instead of raising, so a writer sees every
mistake of the run at once; nothing is rendered while any error is recorded.
"""
