import { Harness, startHarness } from './helpers/harness';

/** A 200 answer in Zenlayer's envelope with exactly these response fields (served through the simulator's `malformed` fault). */
const answer = (response: Record<string, unknown>) => ({ kind: 'malformed' as const, status: 200, body: JSON.stringify({ requestId: 'R-EDGE', response: { requestId: 'R-EDGE', ...response } }) });

describe('upstream edge cases', () => {
  let h: Harness;

  const rest = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${h.gateway.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    h = await startHarness({ ZENLAYER_MAX_ATTEMPTS: '3' });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  describe('HTTP 429 whose body is not JSON', () => {
    it.each([
      ['an HTML page', { kind: 'html' as const, status: 429 }],
      ['an empty body', { kind: 'empty' as const, status: 429 }],
    ])('retries a read throttled with %s, as any throttling', async (_why, fault) => {
      h.simulator.injectFault('DescribeZones', fault, 1);
      const { body } = await h.graphql('{ zones(zoneIds: ["FRA-A"]) { id } }');
      expect(body).toEqual({ data: { zones: [{ id: 'FRA-A' }] } });
      expect(h.simulator.callCount('DescribeZones')).toBe(2);
    });

    it('answers RATE_LIMITED with retryAfter when the throttling lasts, not UPSTREAM_ERROR', async () => {
      h.simulator.injectFault('DescribeImageQuota', { kind: 'html', status: 429 }, 3);
      const { body } = await h.graphql('{ imageQuotas { zoneId } }');
      expect(body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number), upstream: { action: 'DescribeImageQuota' } });
      expect(h.simulator.callCount('DescribeImageQuota')).toBe(3);
    });

    it('repeats a CreateImage so refused (Zenlayer did not act): exactly one image', async () => {
      h.simulator.injectFault('CreateImage', { kind: 'empty', status: 429 }, 1);
      const { body } = await h.graphql('mutation { createImage(input: { instanceId: "ins-tyo-stopped", name: "edge-429" }) { imageId } }');
      expect(body.errors).toBeUndefined();
      expect(h.simulator.callCount('CreateImage')).toBe(2);
      const listed = await h.graphql('{ images(filter: { zoneId: "TYO-A", type: CUSTOM_IMAGE }) { totalCount } }');
      expect(listed.body.data.images.totalCount).toBe(1);
    });

    it('answers REST 429 with Retry-After', async () => {
      h.simulator.injectFault('CreateImage', { kind: 'html', status: 429 }, 3);
      const answered = await rest('POST', '/v1/images', { instanceId: 'ins-fra-stopped', name: 'edge-429' });
      expect(answered.status).toBe(429);
      expect(answered.body).toMatchObject({ code: 'RATE_LIMITED' });
      expect(Number(answered.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });

  describe('success answers that omit their list', () => {
    it('reads an omitted zoneSet as no zones', async () => {
      h.simulator.injectFault('DescribeZones', answer({}), 1);
      expect((await h.graphql('{ zones { id } }')).body).toEqual({ data: { zones: [] } });
    });

    it('reads an omitted images list as no quotas', async () => {
      h.simulator.injectFault('DescribeImageQuota', answer({}), 2);
      expect((await h.graphql('{ imageQuotas { zoneId } }')).body).toEqual({ data: { imageQuotas: [] } });
      expect((await h.graphql('{ imageQuota(zoneId: "FRA-A") { count } }')).body).toEqual({ data: { imageQuota: null } });
    });

    it('reads an omitted dataSet and totalCount as an empty page', async () => {
      // Listed once, so that the lookup by id asks its one zone (FRA-A), and gets the empty answer.
      await h.graphql('{ images(filter: { zoneId: "FRA-A" }) { totalCount } }');
      h.simulator.injectFault('DescribeImages', answer({}), 2);
      expect((await h.graphql('{ images(filter: { zoneId: "FRA-A" }) { items { id } totalCount } }')).body).toEqual({ data: { images: { items: [], totalCount: 0 } } });
      expect((await h.graphql('{ image(id: "img-fra-web-01") { id } }')).body).toEqual({ data: { image: null } });
    });
  });

  describe('enum values the gateway does not know', () => {
    const strange = {
      imageId: 'img-strange',
      imageName: 'strange',
      imageType: 'SHARED_IMAGE',
      imageStatus: 'SYNCING',
      imageSize: '20',
    };
    const known = { imageId: 'img-plain', imageName: 'plain', imageType: 'PUBLIC_IMAGE', imageStatus: 'AVAILABLE', imageSize: '10' };

    it('shows them as UNKNOWN without failing the rest of the response', async () => {
      h.simulator.injectFault('DescribeImages', answer({ dataSet: [strange, known], totalCount: 2 }), 1);
      const { body } = await h.graphql('{ images(filter: { zoneId: "TYO-A" }) { items { id type status } totalCount } }');
      expect(body).toEqual({
        data: {
          images: {
            items: [
              { id: 'img-strange', type: 'UNKNOWN', status: 'UNKNOWN' },
              { id: 'img-plain', type: 'PUBLIC_IMAGE', status: 'AVAILABLE' },
            ],
            totalCount: 2,
          },
        },
      });
    });

    it('shows them as UNKNOWN on the REST face too', async () => {
      h.simulator.injectFault('DescribeImages', answer({ dataSet: [strange], totalCount: 1 }), 1);
      const { status, body } = await rest('GET', '/v1/images/img-strange');
      expect(status).toBe(200);
      expect(body).toMatchObject({ id: 'img-strange', type: 'UNKNOWN', status: 'UNKNOWN' });
    });

    it('refuses UNKNOWN in a filter before calling Zenlayer', async () => {
      const { body } = await h.graphql('{ images(filter: { zoneId: "FRA-A", status: UNKNOWN, type: UNKNOWN }) { totalCount } }');
      expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(body.errors![0].extensions!.fields.map((f: { field: string }) => f.field).sort()).toEqual(['filter.status', 'filter.type']);
      const answered = await rest('GET', '/v1/images?status=UNKNOWN&type=UNKNOWN');
      expect(answered.status).toBe(400);
      expect(answered.body).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(h.simulator.callCount()).toBe(0);
      // Without a zone, the upstream-call limit may read the zone list to count the zones; the bad filter still never reaches Zenlayer.
      const across = await h.graphql('{ images(filter: { status: UNKNOWN }) { totalCount } }');
      expect(across.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(h.simulator.calls.filter((call) => call.action !== 'DescribeZones')).toEqual([]);
      expect(h.simulator.callCount()).toBeLessThanOrEqual(1);
    });
  });

  describe('zone capabilities', () => {
    it('exposes security group, IPv6 and network type support', async () => {
      const { body } = await h.graphql('{ zones(zoneIds: ["FRA-A", "SIN-E"]) { id supportSecurityGroup supportIpv6 supportNetworkType } }');
      expect(body.errors).toBeUndefined();
      expect(body.data.zones).toEqual([
        { id: 'FRA-A', supportSecurityGroup: true, supportIpv6: true, supportNetworkType: expect.any(String) },
        { id: 'SIN-E', supportSecurityGroup: true, supportIpv6: false, supportNetworkType: expect.any(String) },
      ]);
    });

    it('joins a list of network types, and gives null for what Zenlayer omits, on both faces', async () => {
      const zoneSet = [
        { zoneId: 'FRA-A', zoneName: 'Frankfurt A', supportSecurityGroup: true, supportIpv6: true, supportNetworkType: ['PRIMARY', 'VPC'] },
        { zoneId: 'SIN-E', zoneName: 'Singapore E' },
      ];
      h.simulator.injectFault('DescribeZones', answer({ zoneSet }), 2);
      const { body } = await h.graphql('{ zones { id supportSecurityGroup supportIpv6 supportNetworkType } }');
      expect(body.data.zones).toEqual([
        { id: 'FRA-A', supportSecurityGroup: true, supportIpv6: true, supportNetworkType: 'PRIMARY,VPC' },
        { id: 'SIN-E', supportSecurityGroup: null, supportIpv6: null, supportNetworkType: null },
      ]);
      const answered = await rest('GET', '/v1/zones');
      expect(answered.body).toEqual([
        { id: 'FRA-A', name: 'Frankfurt A', supportsImageCreation: true, supportSecurityGroup: true, supportIpv6: true, supportNetworkType: 'PRIMARY,VPC' },
        { id: 'SIN-E', name: 'Singapore E', supportsImageCreation: false, supportSecurityGroup: null, supportIpv6: null, supportNetworkType: null },
      ]);
    });
  });

  describe('an expired signature', () => {
    it.each(['AUTHFAILURE_SIGNATURE_EXPIRED', 'AuthFailure.Signature.Expired'])('(%s) tells the operator to check the clock', async (code) => {
      h.simulator.injectFault('DescribeZones', { kind: 'error', status: 401, code }, 1);
      const { body } = await h.graphql('{ zones { id } }');
      expect(body.errors![0]).toMatchObject({ message: expect.stringMatching(/clock/), extensions: { code: 'UPSTREAM_ERROR', upstream: { code } } });
      expect(body.errors![0].message).not.toMatch(/credentials/);
    });
  });

  describe('the name filter', () => {
    it('finds a public image whose name has a dot, in GraphQL and REST', async () => {
      const { body } = await h.graphql('{ images(filter: { zoneId: "FRA-A", name: "CentOS-7.9" }) { items { id name } } }');
      expect(body).toEqual({ data: { images: { items: [{ id: 'img-centos-79', name: 'CentOS-7.9' }] } } });
      const answered = await rest('GET', '/v1/images?zoneId=FRA-A&name=CentOS-7.9');
      expect(answered.status).toBe(200);
      expect(answered.body.items.map((i: { id: string }) => i.id)).toEqual(['img-centos-79']);
    });

    it('refuses an over-long name or a control character before calling Zenlayer', async () => {
      const { body } = await h.graphql('query ($name: String) { images(filter: { name: $name }) { totalCount } }', { name: 'x'.repeat(129) });
      expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'filter.name', reasons: [expect.stringMatching(/1 to 128 characters/)] }] });
      const answered = await rest('GET', '/v1/images?name=web%0A01');
      expect(answered.status).toBe(400);
      expect(answered.body.errors).toEqual([{ field: 'name', reasons: [expect.stringMatching(/control characters/)] }]);
      expect(h.simulator.callCount()).toBe(0);
    });

    it('keeps the strict rule when naming an image', async () => {
      const { body } = await h.graphql('mutation { createImage(input: { instanceId: "ins-fra-stopped", name: "CentOS-7.9" }) { imageId } }');
      expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.name', reasons: [expect.stringMatching(/1 to 24 characters/)] }] });
      expect(h.simulator.callCount()).toBe(0);
    });
  });

  describe('the page bound', () => {
    it('answers REST page=99999999999 with 400 BAD_USER_INPUT and no upstream call', async () => {
      const answered = await rest('GET', '/v1/images?page=99999999999');
      expect(answered.status).toBe(400);
      expect(answered.body).toMatchObject({ code: 'BAD_USER_INPUT', errors: [{ field: 'page', reasons: ['must be from 1 to 1000000'] }] });
      expect(h.simulator.callCount()).toBe(0);
    });

    it('answers a GraphQL page past 1000000 with BAD_USER_INPUT and no upstream call', async () => {
      const { body } = await h.graphql('{ images(page: 1000001) { totalCount } }');
      expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'page', reasons: ['must be from 1 to 1000000'] }] });
      expect(h.simulator.callCount()).toBe(0);
    });

    it('accepts the last allowed page', async () => {
      const answered = await rest('GET', '/v1/images?page=1000000');
      expect(answered).toMatchObject({ status: 200, body: { items: [], page: 1000000 } });
    });
  });
});
