import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The dependency rules of .dependency-cruiser.cjs (no cycles, folders depend only downward) hold for src/. */
describe('architecture', () => {
  it('has no dependency cycle and no upward dependency between folders', () => {
    const root = join(__dirname, '..');
    const result = spawnSync(process.execPath, [join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const report = `${result.stdout}${result.stderr}`;
    expect(report).toMatch(/no dependency violations found/);
    expect(result.status).toBe(0);
  }, 60_000);
});
