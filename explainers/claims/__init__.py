"""Claims: what a writer marks in a page, from the front matter to every place a reader meets it.

    frontmatter.py   a claim's fields read from the front matter, each checked
    syntax.py        the claim syntax `[^id]` / `[text][^id]` as a Python-Markdown extension
    links.py         links in a body: safe schemes, `page.md` links, targets that exist
    text.py          a claim's passage as plain text (the label, or the sentence a marker ends)
    notes.py         a claim's note: inline Markdown, rendered once per page
    render.py        a claim's HTML: the panel and endnote details, written in one place
    checks.py        every rule about claims and its message; one place decides error or warning
    entries.py       a claim with its page, number, text, status and sources, as exports see it
    export.py        claims.json and ClaimReview JSON-LD
    ledger.py        the claims ledger page (claims/index.html) and the corrections list

Nothing here reaches into Python-Markdown's internals; fastmd/ (one `install(md)`) does.
"""
