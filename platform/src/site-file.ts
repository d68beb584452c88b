import { readFile } from 'node:fs/promises';
import { type SiteFile, siteFileSchema } from '@dutyroom/domain';
import { isNode, LineCounter, parseDocument } from 'yaml';

export class SiteFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`site file ${file} is not valid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** Parses a site file's text; every problem names `file:line:column` and the field's path. */
export function parseSiteFile(text: string, file = 'site.yaml'): SiteFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0)
    throw new SiteFileError(
      file,
      doc.errors.map((e) => `${at(e.pos[0])}: ${e.message}`),
    );

  const parsed = siteFileSchema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    // Point at the deepest node of the path that exists (a missing field points at its parent).
    const path = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return `${at(node.range[0])}: ${path.join('.') || '(root)'}: ${issue.message}`;
    }
    return `${file}: ${path.join('.')}: ${issue.message}`;
  });
  throw new SiteFileError(file, problems);
}

export async function loadSiteFile(path: string): Promise<SiteFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SiteFileError(path, [`cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); set DUTYROOM_SITE_FILE`]);
  }
  return parseSiteFile(text, path);
}
