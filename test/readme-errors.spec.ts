import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODE_LIST } from '../src/common/errors';

/** The text under a Markdown heading, up to the next heading of the same or a higher level (`#` lines in code blocks are not headings). */
function section(markdown: string, heading: string): string {
  const level = heading.match(/^#+/)![0].length;
  const lines = markdown.split('\n');
  let fenced = false;
  const isHeading = lines.map((line) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    return !fenced && new RegExp(`^#{1,${level}} `).test(line);
  });
  const start = lines.findIndex((line, i) => isHeading[i] && line.trim() === heading);
  if (start === -1) throw new Error(`README has no "${heading}" section`);
  const end = isHeading.findIndex((yes, i) => yes && i > start);
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

/** The codes of the README's list: the backticked upper-case words of the paragraph that says what `extensions.code` is. */
function readmeErrorCodes(): string[] {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const errors = section(section(readme, '## The GraphQL API'), '### Errors');
  const paragraph = errors.split(/\n\s*\n/).find((p) => p.includes('`extensions.code`'));
  if (!paragraph) throw new Error('README "### Errors" has no paragraph naming `extensions.code`');
  return [...new Set([...paragraph.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]))];
}

describe('README error codes', () => {
  it('lists every ErrorCode of the gateway, and no other', () => {
    const documented = readmeErrorCodes();
    expect([...documented].sort()).toEqual([...ERROR_CODE_LIST].sort());
  });
});
