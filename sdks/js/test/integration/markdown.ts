// Fenced code blocks of the documentation, with the `<!-- quickstart: … -->` or `<!-- example: … -->` directive
// written just above each (`file name.ts` saves the block under that name so other blocks can import it).

export interface Block {
  lang: string;
  code: string;
  directive: string | undefined;
  line: number;
}

export function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  let directive: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const d = /^<!-- (?:quickstart|example): (.+?) -->$/.exec(line.trim());
    if (d) {
      directive = d[1];
      continue;
    }
    const fence = /^\s*```(\w*)/.exec(line);
    if (fence) {
      const start = i;
      const indent = line.indexOf('`');
      const body: string[] = [];
      while (++i < lines.length && !lines[i]!.trim().startsWith('```')) body.push(lines[i]!.slice(indent));
      blocks.push({ lang: fence[1]!, code: body.join('\n') + '\n', directive, line: start + 1 });
      directive = undefined;
      continue;
    }
    if (line.trim()) directive = undefined;
  }
  return blocks;
}
