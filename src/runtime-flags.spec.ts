import { missingFlags, NODE_FLAGS } from './runtime-flags';

describe('the Node flags the gateway runs with', () => {
  it('are all missing from a plain `node dist/main`', () => {
    expect(missingFlags([])).toEqual([...NODE_FLAGS]);
  });

  it('leave to whoever started the process the flags they gave, in either spelling and with any value', () => {
    expect(missingFlags(['--max-semi-space-size=16'])).toEqual(['--heap-growing-percent=50']);
    expect(missingFlags(['--max_semi_space_size=2', '--heap-growing-percent=30'])).toEqual([]);
    expect(missingFlags(['-r', 'ts-node/register/transpile-only'])).toEqual([...NODE_FLAGS]);
  });
});
