/**
 * Where portalkit's headings and page table of contents differ on purpose from mkdocs +
 * Python-Markdown's `toc` for the `toc` parity sites (test/fixtures/techdocs-parity-toc), page
 * by page (`site/page`): why, and the exact normalised line diff (`-` mkdocs only, `+`
 * portalkit only; lines after `--- toc` are the table of contents). A changed diff fails the test.
 */
export const allowedTocDifferences: Record<string, { reason: string; diff: string[] }> = {
  "gfm-encoded/index": {
    reason:
      "Python-Markdown expands tabs to spaces (to the next multiple of 4 columns) before parsing, and pymdownx slugs turn each space into a separator (`tab--and`); portalkit's parser keeps the tab, which pymdownx's slugify drops (`taband`). Only headings holding a tab differ; the default slugify folds both into one separator. Python-Markdown 3.4 leaves its backslash-escape placeholders in a table of contents title (`Escapes 42 95 35 92` for `Escapes \\* \\_ \\# \\\\`), a bug; portalkit lists the heading as it reads. Python-Markdown lists a heading in the table of contents before pymdownx.smartsymbols runs, so the TOC says `(c) (tm) --> +/- 1/2` where the heading shows `© ™ → ± ½`; portalkit lists what the heading shows. The ids match (both slug `(c)`).",
    diff: [
      "+ <h2 id=\"taband---spaces--and----dashes-----x\">",
      "- <h2 id=\"tab--and---spaces--and----dashes-----x\">",
      "+   <a className=\"headerlink\" href=\"#taband---spaces--and----dashes-----x\" title=\"Permanent link\">",
      "-   <a className=\"headerlink\" href=\"#tab--and---spaces--and----dashes-----x\" title=\"Permanent link\">",
      "+ #escapes--_-- Escapes * _ # \\",
      "- #escapes--_-- Escapes \u000242\u0003 \u000295\u0003 \u000235\u0003 \u000292\u0003",
      "+ #smart-c-tm------12-and-the-2nd Smart © ™ → ± ½ and the 2nd",
      "- #smart-c-tm------12-and-the-2nd Smart (c) (tm) --> +/- 1/2 and the 2nd",
      "+ #taband---spaces--and----dashes-----x Tab and spaces and -- dashes - - x",
      "- #tab--and---spaces--and----dashes-----x Tab and spaces and -- dashes - - x",
    ],
  },
  "python-markdown/index": {
    reason:
      "Python-Markdown 3.4 leaves its backslash-escape placeholders in a table of contents title (`Escapes 42 95 35 92` for `Escapes \\* \\_ \\# \\\\`), a bug; portalkit lists the heading as it reads. Python-Markdown lists a heading in the table of contents before pymdownx.smartsymbols runs, so the TOC says `(c) (tm) --> +/- 1/2` where the heading shows `© ™ → ± ½`; portalkit lists what the heading shows. The ids match (both slug `(c)`).",
    diff: [
      "+ #escapes-_ Escapes * _ # \\",
      "- #escapes-_ Escapes \u000242\u0003 \u000295\u0003 \u000235\u0003 \u000292\u0003",
      "+ #smart-c-tm-12-and-the-2nd Smart © ™ → ± ½ and the 2nd",
      "- #smart-c-tm-12-and-the-2nd Smart (c) (tm) --> +/- 1/2 and the 2nd",
    ],
  },
  "slugify-kwds/index": {
    reason:
      "Python-Markdown expands tabs to spaces (to the next multiple of 4 columns) before parsing, and pymdownx slugs turn each space into a separator (`tab--and`); portalkit's parser keeps the tab, which pymdownx's slugify drops (`taband`). Only headings holding a tab differ; the default slugify folds both into one separator. Python-Markdown 3.4 leaves its backslash-escape placeholders in a table of contents title (`Escapes 42 95 35 92` for `Escapes \\* \\_ \\# \\\\`), a bug; portalkit lists the heading as it reads. Python-Markdown lists a heading in the table of contents before pymdownx.smartsymbols runs, so the TOC says `(c) (tm) --> +/- 1/2` where the heading shows `© ™ → ± ½`; portalkit lists what the heading shows. The ids match (both slug `(c)`).",
    diff: [
      "+ <h2 id=\"taband---spaces--and----dashes-----x\">",
      "- <h2 id=\"tab--and---spaces--and----dashes-----x\">",
      "+   <a className=\"headerlink\" href=\"#taband---spaces--and----dashes-----x\" title=\"Permanent link\">",
      "-   <a className=\"headerlink\" href=\"#tab--and---spaces--and----dashes-----x\" title=\"Permanent link\">",
      "+ #escapes--_-- Escapes * _ # \\",
      "- #escapes--_-- Escapes \u000242\u0003 \u000295\u0003 \u000235\u0003 \u000292\u0003",
      "+ #smart-c-tm------12-and-the-2nd Smart © ™ → ± ½ and the 2nd",
      "- #smart-c-tm------12-and-the-2nd Smart (c) (tm) --> +/- 1/2 and the 2nd",
      "+ #taband---spaces--and----dashes-----x Tab and spaces and -- dashes - - x",
      "- #tab--and---spaces--and----dashes-----x Tab and spaces and -- dashes - - x",
    ],
  },
  "slugify-unicode/index": {
    reason:
      "Python-Markdown 3.4 leaves its backslash-escape placeholders in a table of contents title (`Escapes 42 95 35 92` for `Escapes \\* \\_ \\# \\\\`), a bug; portalkit lists the heading as it reads. Python-Markdown lists a heading in the table of contents before pymdownx.smartsymbols runs, so the TOC says `(c) (tm) --> +/- 1/2` where the heading shows `© ™ → ± ½`; portalkit lists what the heading shows. The ids match (both slug `(c)`).",
    diff: [
      "+ #escapes._ Escapes * _ # \\",
      "- #escapes._ Escapes \u000242\u0003 \u000295\u0003 \u000235\u0003 \u000292\u0003",
      "+ #smart.c.tm.--.-.12.and.the.2nd Smart © ™ → ± ½ and the 2nd",
      "- #smart.c.tm.--.-.12.and.the.2nd Smart (c) (tm) --> +/- 1/2 and the 2nd",
    ],
  },
  "uslugify/index": {
    reason:
      "Python-Markdown expands tabs to spaces (to the next multiple of 4 columns) before parsing, and pymdownx slugs turn each space into a separator (`tab--and`); portalkit's parser keeps the tab, which pymdownx's slugify drops (`taband`). Only headings holding a tab differ; the default slugify folds both into one separator. Python-Markdown 3.4 leaves its backslash-escape placeholders in a table of contents title (`Escapes 42 95 35 92` for `Escapes \\* \\_ \\# \\\\`), a bug; portalkit lists the heading as it reads. Python-Markdown lists a heading in the table of contents before pymdownx.smartsymbols runs, so the TOC says `(c) (tm) --> +/- 1/2` where the heading shows `© ™ → ± ½`; portalkit lists what the heading shows. The ids match (both slug `(c)`).",
    diff: [
      "+ <h3 id=\"taband___spaces__and_--_dashes_-_-_x\">",
      "- <h3 id=\"tab__and___spaces__and_--_dashes_-_-_x\">",
      "+   <a className=\"headerlink\" href=\"#taband___spaces__and_--_dashes_-_-_x\">",
      "-   <a className=\"headerlink\" href=\"#tab__and___spaces__and_--_dashes_-_-_x\">",
      "+ #escapes_____ Escapes * _ # \\",
      "- #escapes_____ Escapes \u000242\u0003 \u000295\u0003 \u000235\u0003 \u000292\u0003",
      "+ #smart_c_tm_--_-_12_and_the_2nd Smart © ™ → ± ½ and the 2nd",
      "- #smart_c_tm_--_-_12_and_the_2nd Smart (c) (tm) --> +/- 1/2 and the 2nd",
      "+ #taband___spaces__and_--_dashes_-_-_x Tab and spaces and -- dashes - - x",
      "- #tab__and___spaces__and_--_dashes_-_-_x Tab and spaces and -- dashes - - x",
    ],
  },
};
