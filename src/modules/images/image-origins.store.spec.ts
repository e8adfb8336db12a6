import { MemoryImageOrigins } from './image-origins.store';

describe(MemoryImageOrigins.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('remembers the last image per instance until it expires', async () => {
    const origins = new MemoryImageOrigins(50);
    await origins.record('ins-1', 'img-a');
    await origins.record('ins-1', 'img-b');
    await expect(origins.lastMadeFrom(['ins-1', 'ins-2'])).resolves.toEqual(['img-b', undefined]);
    jest.advanceTimersByTime(49);
    await expect(origins.lastMadeFrom(['ins-1'])).resolves.toEqual(['img-b']);
    jest.advanceTimersByTime(1);
    await expect(origins.lastMadeFrom(['ins-1'])).resolves.toEqual([undefined]);
    origins.close();
  });
});
