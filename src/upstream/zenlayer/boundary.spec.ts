import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '../..');
const HERE = relative(SRC, __dirname);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Features talk to Zenlayer only through `upstream/zenlayer/index.ts`; nothing else speaks its wire format. */
describe('the Zenlayer boundary', () => {
  const outside = sourceFiles(SRC).filter((file) => {
    const rel = relative(SRC, file);
    return !rel.startsWith(HERE) && !rel.startsWith('simulator');
  });

  it('finds the files it guards', () => {
    expect(outside.length).toBeGreaterThan(10);
  });

  it('is crossed only through the index', () => {
    const offenders = outside.filter((file) => /from '[^']*upstream\/zenlayer\/[^']+'/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('keeps the wire format (headers, signature, endpoint) inside the module', () => {
    const offenders = outside.filter((file) => /x-zc-|ZC2-HMAC|\/api\/v2\//i.test(readFileSync(file, 'utf8')));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });
});
