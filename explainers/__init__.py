"""The annotated-explainer builder: Markdown pages with front-matter claims become a static site.

The pipeline, in the order ``build.py`` runs it:

    load_site    site.yaml            -> Site
    read_pages   content/*.md         -> [Page]      (front matter checked field by field)
    parse_pages  Markdown bodies      -> Page.doc    (claims extension: references, links)
    check        the whole site       -> more Problems (unused claims, broken links, slugs)
    render       Jinja2 layouts       -> {path: bytes}
    write        a temporary folder   -> swapped in for the output folder

Every phase appends to one ``Problems`` list instead of raising, so a writer sees every
mistake of the run at once; nothing is rendered while any error is recorded.
"""
