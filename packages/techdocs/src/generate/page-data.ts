import type { BuildWarning } from '../types.js';
import type { PageInfo } from './pages.js';

/** A heading listed in a page's table of contents. */
export interface TocEntry {
  depth: number;
  id: string;
  title: string;
}

/** A heading and the text under it, for the search index. */
export interface PageSection {
  id: string;
  title: string;
  text: string;
}

/** What the site knows while one page is rendered; set on `file.data.techdocs` by the builder. */
export interface PageContext {
  page: PageInfo;
  /** Every page by source path. */
  pages: Map<string, PageInfo>;
  /** Every file and folder of the docs dir (relative, `/`), pages included. */
  files: Set<string>;
}

/** What the rendering plugins found in one page. */
export interface PageData extends PageContext {
  warnings: BuildWarning[];
  toc: TocEntry[];
  sections: PageSection[];
  /** The whole page as plain text. */
  text: string;
}

/** The per-page data the builder put on a file (plugins call this to reach it). */
export function pageData(file: { data: object }): PageData | undefined {
  return (file.data as { techdocs?: PageData }).techdocs;
}
