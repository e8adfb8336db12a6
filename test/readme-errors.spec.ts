import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODE_LIST } from '../src/common/errors';
import { EnvironmentVariables } from '../src/config/environment';

const ROOT = join(__dirname, '..');
/** Where the documentation lists the error codes: the GraphQL reference, under "## Errors". */
const ERRORS_FILE = 'docs/graphql.md';
const ERRORS_HEADING = '## Errors';
/** The configuration reference: one table row per environment variable. */
const CONFIGURATION_FILE = 'docs/configuration.md';
/** The REST reference, whose "## Errors" says which status each code answers with. */
const REST_FILE = 'docs/rest.md';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The text under a Markdown heading, up to the next heading of the same or a higher level (`#` lines in code blocks are not headings). */
function section(markdown: string, heading: string, file: string): string {
  const level = heading.match(/^#+/)![0].length;
  const lines = markdown.split('\n');
  let fenced = false;
  const isHeading = lines.map((line) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    return !fenced && new RegExp(`^#{1,${level}} `).test(line);
  });
  const start = lines.findIndex((line, i) => isHeading[i] && line.trim() === heading);
  if (start === -1) throw new Error(`${file} has no "${heading}" section`);
  const end = isHeading.findIndex((yes, i) => yes && i > start);
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

const backtickedCodes = (text: string) => [...new Set([...text.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]))];

/** The codes of the documented list: the backticked upper-case words of the paragraph that says what `extensions.code` is. */
function documentedErrorCodes(): string[] {
  const errors = section(read(ERRORS_FILE), ERRORS_HEADING, ERRORS_FILE);
  const paragraph = errors.split(/\n\s*\n/).find((p) => p.includes('`extensions.code`'));
  if (!paragraph) throw new Error(`${ERRORS_FILE} "${ERRORS_HEADING}" has no paragraph naming \`extensions.code\``);
  return backtickedCodes(paragraph);
}

describe('documented error codes', () => {
  it('lists every ErrorCode of the gateway, and no other', () => {
    const documented = documentedErrorCodes();
    expect([...documented].sort()).toEqual([...ERROR_CODE_LIST].sort());
  });

  it('are the codes the REST reference maps to statuses (each one a code of the gateway)', () => {
    const errors = section(read(REST_FILE), '## Errors', REST_FILE);
    const paragraph = errors.split(/\n\s*\n/).find((p) => p.includes('application/problem+json'));
    if (!paragraph) throw new Error(`${REST_FILE} "## Errors" has no paragraph naming application/problem+json`);
    const named = backtickedCodes(paragraph);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((code) => !(ERROR_CODE_LIST as readonly string[]).includes(code))).toEqual([]);
  });

  it('are found from the README, which links to the list', () => {
    expect(read('README.md')).toMatch(/\]\(docs\/graphql\.md(#errors)?\)/);
  });
});

describe('documented configuration', () => {
  it('has a row for every environment variable the gateway reads, and none for a variable it does not read', () => {
    // Every variable is a field of EnvironmentVariables (loadConfig reads exactly those).
    const variables = Object.keys(new EnvironmentVariables()).sort();
    const table = section(read(CONFIGURATION_FILE), '## Variables', CONFIGURATION_FILE);
    const rows = table.split('\n').filter((line) => line.startsWith('| `'));
    const named = new Set(rows.flatMap((row) => [...row.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1])));
    expect(variables.filter((v) => !named.has(v))).toEqual([]);
    // The simulator's own variables (read by `npm run simulator`) and OTEL_SERVICE_NAME are read outside EnvironmentVariables.
    const elsewhere = new Set(['SIMULATOR_ERROR_CODE_STYLE', 'SIMULATOR_PORT', 'SIMULATOR_HOST', 'OTEL_SERVICE_NAME']);
    expect([...named].filter((v) => !variables.includes(v) && !elsewhere.has(v))).toEqual([]);
  });
});
