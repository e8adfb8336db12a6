import { CLIENT_AUTH_ENV, hsToken, KEYS } from './helpers/clients';
import { eventually, Harness, startHarness } from './helpers/harness';
import { collect, wsClient } from './helpers/ws';

const WATCH = 'subscription Watch($id: ID!) { imageStatusChanged(id: $id) { id name status } }';
const POLLING = { SUBSCRIPTION_POLL_MIN_MS: '50', SUBSCRIPTION_POLL_MAX_MS: '200' };

describe('imageStatusChanged over graphql-ws', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(POLLING, { imageReadyDelayMs: 600 });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  const createImage = async (name: string, instanceId = 'ins-fra-stopped') =>
    (await h.graphql(`mutation { createImage(input: { instanceId: "${instanceId}", name: "${name}" }) { imageId } }`)).body.data!.createImage.imageId as string;

  it('watches a new image go from CREATING to AVAILABLE, then completes', async () => {
    const id = await createImage('watched');
    const client = wsClient(h.gateway.url);
    try {
      const received = await collect(client, WATCH, { id });
      expect(received.errors).toEqual([]);
      expect(received.values).toEqual([
        { data: { imageStatusChanged: { id, name: 'watched', status: 'CREATING' } } },
        { data: { imageStatusChanged: { id, name: 'watched', status: 'AVAILABLE' } } },
      ]);
      expect(received.completed).toBe(true);
    } finally {
      await client.dispose();
    }
  });

  it('emits an image that is already AVAILABLE once and completes', async () => {
    const client = wsClient(h.gateway.url);
    try {
      const received = await collect(client, WATCH, { id: 'img-fra-web-01' });
      expect(received.values).toEqual([{ data: { imageStatusChanged: { id: 'img-fra-web-01', name: 'fra-web-01', status: 'AVAILABLE' } } }]);
      expect(received.completed).toBe(true);
    } finally {
      await client.dispose();
    }
  });

  it('answers NOT_FOUND for an unknown image and completes', async () => {
    const client = wsClient(h.gateway.url);
    try {
      const received = await collect(client, WATCH, { id: 'img-nope' });
      expect(received.values).toEqual([
        { data: null, errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })] },
      ]);
      expect(received.completed).toBe(true);
    } finally {
      await client.dispose();
    }
  });

  it('serves fifty subscribers of one image from one poll stream', async () => {
    const id = await createImage('popular', 'ins-hkg-stopped');
    h.simulator.resetCalls();
    const clients = Array.from({ length: 5 }, () => wsClient(h.gateway.url));
    try {
      const all = await Promise.all(Array.from({ length: 50 }, (_, i) => collect(clients[i % clients.length], WATCH, { id })));
      for (const received of all) {
        expect(received.completed).toBe(true);
        expect((received.values.at(-1) as any).data.imageStatusChanged.status).toBe('AVAILABLE');
      }
      // One poller: its polls over about 600 ms at 50-200 ms apart, not fifty times that.
      expect(h.simulator.callCount('DescribeImages')).toBeGreaterThan(0);
      expect(h.simulator.callCount('DescribeImages')).toBeLessThanOrEqual(12);
    } finally {
      await Promise.all(clients.map((c) => c.dispose()));
    }
  });

  it('stops polling when the last subscriber leaves', async () => {
    const id = await createImage('abandoned', 'ins-tyo-stopped');
    const client = wsClient(h.gateway.url);
    try {
      const seen: unknown[] = [];
      const dispose = client.subscribe({ query: WATCH, variables: { id } }, { next: (v) => seen.push(v), error: () => undefined, complete: () => undefined });
      await eventually(async () => expect(seen).toHaveLength(1));
      dispose();
      await new Promise((resolve) => setTimeout(resolve, 100));
      h.simulator.resetCalls();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(h.simulator.callCount('DescribeImages')).toBe(0);
    } finally {
      await client.dispose();
    }
  });
});

describe('subscriptions with client authentication', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ...POLLING, ...CLIENT_AUTH_ENV });
  });
  afterAll(() => h.close());

  it('refuses a connection_init without credentials (4401, which graphql-ws clients do not retry)', async () => {
    const client = wsClient(h.gateway.url);
    try {
      const received = await collect(client, WATCH, { id: 'img-fra-web-01' });
      expect(received.values).toEqual([]);
      expect(client.closes).toContain(4401);
    } finally {
      await client.dispose();
    }
  });

  it.each([
    ['an API key in connectionParams', () => Promise.resolve({ 'x-api-key': KEYS.reader })],
    ['a bearer JWT under connectionParams.headers', async () => ({ headers: { Authorization: `Bearer ${await hsToken()}` } })],
  ])('accepts %s', async (_how, params) => {
    const client = wsClient(h.gateway.url, await params());
    try {
      const received = await collect(client, WATCH, { id: 'img-fra-web-01' });
      expect(received.values).toHaveLength(1);
      expect(received.completed).toBe(true);
    } finally {
      await client.dispose();
    }
  });

  it('gives FORBIDDEN to a client without images:read', async () => {
    const client = wsClient(h.gateway.url, { authorization: `Bearer ${await hsToken({ scope: 'images:write' })}` });
    try {
      const received = await collect(client, WATCH, { id: 'img-fra-web-01' });
      // Refused in execution: one `next` with the error, then the end.
      expect(received.errors).toEqual([]);
      expect(received.values).toEqual([{ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })] }]);
    } finally {
      await client.dispose();
    }
  });
});

describe('subscriptions at shutdown', () => {
  it('ends open subscriptions when the gateway closes', async () => {
    const h = await startHarness(POLLING, { imageReadyDelayMs: 60_000 });
    const id = (await h.graphql('mutation { createImage(input: { instanceId: "ins-fra-stopped", name: "never-ready" }) { imageId } }')).body.data!.createImage.imageId;
    const client = wsClient(h.gateway.url);
    const ended = collect(client, WATCH, { id }, 15_000);
    await eventually(async () => expect(h.simulator.callCount('DescribeImages')).toBeGreaterThan(0));
    const started = Date.now();
    await h.close();
    const received = await ended;
    expect(received.values).toHaveLength(1); // CREATING
    expect(received.completed || received.errors.length > 0 || client.closes.length > 0).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    await client.dispose();
  });
});
