"""The annotated-explainer builder: Markdown pages with front-matter claims become a static site.

The recipe is ``builder.build``; its phases, in order, and the functions that do them:

    open_site     builder.py  -> load.load_site          site.yaml       -> Site
    take_stock    incremental.Memory.take_stock           every input     -> digests, the last build's record
    up_to_date    builder.py                              nothing changed -> the last output stands, done
    read_pages    incremental.Memory.read_pages           content/*.md    -> Pages: front matter checked
                  -> page_entries.read_and_parse             (load.read_page), bodies converted
                                                             (convert.Converter), or taken from the last build
    check         sitecheck.check_site                    the whole site  -> more Problems (claims, links, slugs)
    render_site   builder.py  -> render.render            Jinja2 layouts  -> {path: bytes or reusable Path}
    search_index  search.index                            explainers, claim pages -> the Pagefind index, in the stage
    write_output  builder.py  -> output.write / update    a temporary folder (output.Stage), swapped or committed in
    remember      incremental.Memory.remember             the cache (cache.py), or the preview's memory (Warm)

``check`` runs ``builder.load``: the same up to ``check``, writing nothing. Many pages are
read, converted and rendered in worker processes (``parallel.py``); two builds of one site
take turns (``output.site_lock``).

Every phase appends to one ``Problems`` list instead of raising, so a writer sees every
mistake of the run at once; nothing is rendered while any error is recorded.
"""
