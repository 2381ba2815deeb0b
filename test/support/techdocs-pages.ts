/**
 * The TechDocs benchmark site, shared by the benchmark (bench/) and by the techdocs tests that check both
 * Markdown parsers render it identically.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Sections the pages are spread over. */
export const benchSections = 10;

/** Pages in `section` of a `pageCount`-page site: the home page plus the rest spread evenly. */
export function benchSectionSize(pageCount: number, section: number): number {
  const rest = pageCount - 1;
  return Math.floor(rest / benchSections) + (section < rest % benchSections ? 1 : 0);
}

/** The Markdown of page `index` of `section` (which has `perSection` pages). */
export function benchPageMarkdown(section: number, index: number, perSection: number): string {
  const next = (index + 1) % perSection;
  const otherSection = (section + 1) % benchSections;
  return `# Page ${section}-${index}

Intro paragraph for page ${index} of section ${section} with **bold**, _emphasis_ and \`code\`.
See [the next page](page-${next}.md), [another section](../section-${otherSection}/page-0.md#usage)
and the [home page](../index.md).

![diagram](../images/diagram.png)

## Usage

!!! note "Remember"
    Admonitions render as styled blocks. This one links to [the next page](page-${next}.md).

\`\`\`ts
export function handler${index}(input: string): number {
  return input.length * ${index};
}
\`\`\`

| Option | Default | Description |
|--------|---------|-------------|
| alpha  | 1       | The first option |
| beta   | two     | The second option |

## Details

${'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore. '.repeat(4)}

### Notes

- first item
- second item with a [link](page-${next}.md)
`;
}

/** Write an mkdocs.yml + docs/ site of `pageCount` pages under `root`; returns the section pages. */
export async function generateBenchSite(root: string, pageCount: number, markdownExtensions?: string): Promise<string[]> {
  const docs = path.join(root, 'docs');
  await mkdir(path.join(docs, 'images'), { recursive: true });
  // `markdownExtensions`: a `markdown_extensions:` YAML block to use instead (bench --core).
  const extensions = markdownExtensions ?? ['markdown_extensions:', '  - admonition', '  - tables', '  - fenced_code', '  - toc:', '      permalink: true', ''].join('\n');
  await writeFile(
    path.join(root, 'mkdocs.yml'),
    ['site_name: Benchmark Site', 'site_description: Generated pages for the techdocs benchmark', extensions].join('\n'),
  );
  await writeFile(path.join(docs, 'index.md'), '# Benchmark Site\n\nWelcome. Start with [section 0](section-0/page-0.md).\n');
  await writeFile(
    path.join(docs, 'images', 'diagram.png'),
    Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'),
  );
  const files: string[] = [];
  for (let s = 0; s < benchSections; s++) {
    await mkdir(path.join(docs, `section-${s}`), { recursive: true });
    for (let i = 0; i < benchSectionSize(pageCount, s); i++) {
      const rel = `section-${s}/page-${i}.md`;
      await writeFile(path.join(docs, rel), benchPageMarkdown(s, i, benchSectionSize(pageCount, s)));
      files.push(rel);
    }
  }
  return files;
}

