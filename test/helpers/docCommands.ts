/** Commands as documents show them, so tests can run them exactly as written. */

/** The ```sh / ```bash blocks under the first heading that starts with `heading`, up to the next heading of its level. */
export function fencedShellBlocks(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^#+ /.test(l) && l.replace(/^#+ /, '').startsWith(heading));
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const level = lines[start]!.match(/^#+/)![0].length;
  const blocks: string[] = [];
  let current: string[] | null = null;
  for (const line of lines.slice(start + 1)) {
    const h = line.match(/^(#+) /);
    if (!current && h && h[1]!.length <= level) break;
    if (current) {
      if (line.startsWith('```')) {
        blocks.push(current.join('\n'));
        current = null;
      } else current.push(line);
    } else if (/^```(sh|bash|shell)\s*$/.test(line)) current = [];
  }
  return blocks;
}

/** Runs of lines indented by `indent` spaces (an indented code block, or a CLI printout), joined, indent removed. */
export function indentedCommands(text: string, indent: number): string {
  const pad = ' '.repeat(indent);
  return text
    .split('\n')
    .filter((l) => l.startsWith(pad) && l.trim() !== '')
    .map((l) => l.slice(indent))
    .join('\n');
}
