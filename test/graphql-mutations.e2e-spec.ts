import { SIMULATOR_DEFAULT_CREDENTIALS } from '../src/simulator';
import { eventually, Harness, startHarness } from './helpers/harness';

const CREATE = `mutation Create($input: CreateImageInput!) {
  createImage(input: $input) { imageId requestId image { id name status type sizeGb description } }
}`;
const QUOTA = '{ imageQuota(zoneId: "FRA-A") { count remaining } }';

describe('GraphQL mutations against the simulator', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.simulator.reset());

  const upstreamRef = (action: string, code: string) => ({ action, code, requestId: expect.stringMatching(/\S/) });

  describe('createImage', () => {
    it('makes an image of a stopped instance, which goes from CREATING to AVAILABLE', async () => {
      const { body } = await h.graphql(CREATE, { input: { instanceId: 'ins-fra-stopped', name: 'web-镜像_01', description: 'golden' } });
      expect(body.errors).toBeUndefined();
      const created = body.data!.createImage;
      expect(created).toMatchObject({
        imageId: expect.stringMatching(/^img-/),
        requestId: expect.stringMatching(/\S/),
        image: { name: 'web-镜像_01', status: 'CREATING', type: 'CUSTOM_IMAGE', description: 'golden', sizeGb: 40 },
      });
      expect(h.simulator.calls.find((c) => c.action === 'CreateImage')?.body).toEqual({
        instanceId: 'ins-fra-stopped',
        imageName: 'web-镜像_01',
        imageDescription: 'golden',
      });
      expect((await h.graphql(QUOTA)).body.data).toEqual({ imageQuota: { count: 3, remaining: 2 } });

      await eventually(async () => {
        const { body: later } = await h.graphql('query($id: ID!) { image(id: $id) { status } }', { id: created.imageId });
        expect(later.data).toEqual({ image: { status: 'AVAILABLE' } });
      });
    });

    it('refuses a running instance with FAILED_PRECONDITION and the upstream request id', async () => {
      const { body } = await h.graphql(CREATE, { input: { instanceId: 'ins-fra-running', name: 'from-running' } });
      expect(body.errors![0]).toMatchObject({
        path: ['createImage'],
        message: expect.stringMatching(/powered off|shut it down/),
        extensions: { code: 'FAILED_PRECONDITION', upstream: upstreamRef('CreateImage', 'UNSUPPORTED_OPERATION_INSTANCE_STATE_STARTING') },
      });
    });

    it.each(['ins-sin-stopped', 'ins-lax-stopped'])('refuses %s: its zone does not support images', async (instanceId) => {
      const { body } = await h.graphql(CREATE, { input: { instanceId, name: 'unsupported' } });
      expect(body.errors![0].extensions).toMatchObject({
        code: 'FAILED_PRECONDITION',
        upstream: upstreamRef('CreateImage', 'UNSUPPORTED_OPERATION_ZONE_NOT_SUPPORT'),
      });
    });

    it('refuses an unknown instance with NOT_FOUND', async () => {
      const { body } = await h.graphql(CREATE, { input: { instanceId: 'ins-nope', name: 'x' } });
      expect(body.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', upstream: upstreamRef('CreateImage', 'INVALID_INSTANCE_NOT_FOUND') });
    });

    it('refuses a second image of a disk that is still being imaged', async () => {
      await h.graphql(CREATE, { input: { instanceId: 'ins-tyo-stopped', name: 'first' } });
      const { body } = await h.graphql(CREATE, { input: { instanceId: 'ins-tyo-stopped', name: 'second' } });
      expect(body.errors![0].extensions).toMatchObject({
        code: 'FAILED_PRECONDITION',
        upstream: upstreamRef('CreateImage', 'UNSUPPORTED_OPERATION_DISK_MAKING_IMAGE'),
      });
    });

    it('refuses with QUOTA_EXCEEDED when the zone is full, and creates nothing', async () => {
      h.simulator.setQuota('FRA-A', 2);
      const { body } = await h.graphql(CREATE, { input: { instanceId: 'ins-fra-stopped', name: 'over-quota' } });
      expect(body.errors![0]).toMatchObject({
        message: expect.stringMatching(/quota/),
        extensions: { code: 'QUOTA_EXCEEDED', upstream: upstreamRef('CreateImage', 'LIMIT_EXCEEDED_IMAGE_QUOTA') },
      });
      expect((await h.graphql('{ imageQuota(zoneId: "FRA-A") { count maxCount remaining } }')).body.data).toEqual({
        imageQuota: { count: 2, maxCount: 2, remaining: 0 },
      });
    });

    it.each([
      ['a name with a space', { instanceId: 'ins-fra-stopped', name: 'web 01' }, ['input.name']],
      ['a 25-character name', { instanceId: 'ins-fra-stopped', name: 'a'.repeat(25) }, ['input.name']],
      ['an empty name', { instanceId: 'ins-fra-stopped', name: '' }, ['input.name']],
      ['a 256-character description', { instanceId: 'ins-fra-stopped', name: 'ok', description: 'd'.repeat(256) }, ['input.description']],
      ['several bad fields', { instanceId: 'bad id!', name: 'bad name!', description: 'd'.repeat(300) }, ['input.description', 'input.instanceId', 'input.name']],
    ])('refuses %s with BAD_USER_INPUT listing each field, without calling Zenlayer', async (_why, input, fields) => {
      const { body } = await h.graphql(CREATE, { input });
      const error = body.errors![0];
      expect(error.extensions!.code).toBe('BAD_USER_INPUT');
      expect(error.extensions!.fields.map((f: { field: string }) => f.field).sort()).toEqual(fields);
      for (const field of fields) expect(error.message).toContain(field);
      expect(h.simulator.callCount()).toBe(0);
    });
  });

  describe('updateImages', () => {
    it('renames images and returns them as they now are', async () => {
      const { body } = await h.graphql(
        'mutation { updateImages(input: { ids: ["img-fra-web-01", "img-fra-db-01"], name: "renamed", description: "new text" }) { requestId images { id name description } } }',
      );
      expect(body.errors).toBeUndefined();
      expect(body.data!.updateImages).toEqual({
        requestId: expect.any(String),
        images: [
          { id: 'img-fra-web-01', name: 'renamed', description: 'new text' },
          { id: 'img-fra-db-01', name: 'renamed', description: 'new text' },
        ],
      });
      expect(h.simulator.calls[0]).toMatchObject({
        action: 'ModifyImagesAttributes',
        body: { imageIds: ['img-fra-web-01', 'img-fra-db-01'], imageName: 'renamed', imageDescription: 'new text' },
      });
    });

    it('refuses an unknown id with NOT_FOUND and changes nothing', async () => {
      const { body } = await h.graphql('mutation { updateImages(input: { ids: ["img-fra-web-01", "img-nope"], name: "x" }) { requestId } }');
      expect(body.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', upstream: upstreamRef('ModifyImagesAttributes', 'INVALID_IMAGE_NOT_FOUND') });
      const after = await h.graphql('{ image(id: "img-fra-web-01") { name } }');
      expect(after.body.data!.image.name).not.toBe('x');
    });

    it('refuses an update that changes nothing, and a bad name, before calling Zenlayer', async () => {
      const none = await h.graphql('mutation { updateImages(input: { ids: ["img-fra-web-01"] }) { requestId } }');
      expect(none.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input' }] });
      const bad = await h.graphql('mutation { updateImages(input: { ids: ["img-fra-web-01"], name: "with.dot" }) { requestId } }');
      expect(bad.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.name' }] });
      const tooMany = await h.graphql('mutation($ids: [ID!]!) { updateImages(input: { ids: $ids, name: "x" }) { requestId } }', {
        ids: Array.from({ length: 101 }, (_, i) => `img-${i}`),
      });
      expect(tooMany.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.ids' }] });
      expect(h.simulator.callCount()).toBe(0);
    });
  });

  describe('deleteImages', () => {
    it('deletes images and frees quota', async () => {
      const { body } = await h.graphql('mutation { deleteImages(ids: ["img-fra-web-01"]) { requestId deletedIds } }');
      expect(body.data!.deleteImages).toEqual({ requestId: expect.any(String), deletedIds: ['img-fra-web-01'] });
      expect((await h.graphql('{ image(id: "img-fra-web-01") { id } }')).body.data).toEqual({ image: null });
      expect((await h.graphql(QUOTA)).body.data).toEqual({ imageQuota: { count: 1, remaining: 4 } });
    });

    it('refuses to delete an image still CREATING', async () => {
      const created = await h.graphql(CREATE, { input: { instanceId: 'ins-hkg-stopped', name: 'busy' } });
      const id = created.body.data!.createImage.imageId;
      const { body } = await h.graphql('mutation($ids: [ID!]!) { deleteImages(ids: $ids) { deletedIds } }', { ids: [id] });
      expect(body.errors![0].extensions).toMatchObject({ code: 'FAILED_PRECONDITION', upstream: upstreamRef('DeleteImages', 'INVALID_IMAGE_STATUS') });
    });

    it('refuses to rename an image still CREATING, changing nothing', async () => {
      const created = await h.graphql(CREATE, { input: { instanceId: 'ins-hkg-stopped', name: 'busy-rename' } });
      const id = created.body.data!.createImage.imageId;
      const { body } = await h.graphql('mutation($ids: [ID!]!) { updateImages(input: { ids: $ids, name: "renamed" }) { images { name } } }', {
        ids: ['img-hkg-app-01', id],
      });
      expect(body.errors![0]).toMatchObject({
        message: expect.stringMatching(/CREATING/),
        extensions: { code: 'FAILED_PRECONDITION', upstream: upstreamRef('ModifyImagesAttributes', 'INVALID_IMAGE_STATUS') },
      });
      expect((await h.graphql('{ image(id: "img-hkg-app-01") { name } }')).body.data).toEqual({ image: { name: 'hkg-app-01' } });
    });

    it('refuses unknown ids and an empty list', async () => {
      const unknown = await h.graphql('mutation { deleteImages(ids: ["img-nope"]) { deletedIds } }');
      expect(unknown.body.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND' });
      h.simulator.resetCalls();
      const empty = await h.graphql('mutation { deleteImages(ids: []) { deletedIds } }');
      expect(empty.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'ids' }] });
      expect(h.simulator.callCount()).toBe(0);
    });
  });

  describe('when Zenlayer misbehaves on a read', () => {
    // Reads are retried (3 attempts in all) on unavailability and throttling, not on answers
    // that a repeat would not change.
    it.each([
      ['a 503', 'UPSTREAM_UNAVAILABLE', { kind: 'error', status: 503, code: 'SERVICE_TEMPORARY_UNAVAILABLE' }, 3],
      ['throttling', 'RATE_LIMITED', { kind: 'error', status: 429, code: 'REQUEST_LIMIT_EXCEEDED' }, 3],
      ['a connection reset', 'UPSTREAM_UNAVAILABLE', { kind: 'reset' }, 3],
      ['an HTML error page', 'UPSTREAM_UNAVAILABLE', { kind: 'html', status: 502 }, 3],
      ['a slow answer past the timeout', 'UPSTREAM_UNAVAILABLE', { kind: 'latency', ms: 2000 }, 3],
      ['truncated JSON', 'UPSTREAM_ERROR', { kind: 'malformed' }, 1],
      ['an empty body', 'UPSTREAM_ERROR', { kind: 'empty' }, 1],
      ['an edge challenge', 'UPSTREAM_UNAVAILABLE', { kind: 'challenge' }, 1],
      ['HTTP 451', 'UPSTREAM_ERROR', { kind: 'error', status: 451, code: 'BLOCKED' }, 1],
    ] as const)('maps %s to %s and keeps serving', async (_why, code, fault, attempts) => {
      h.simulator.injectFault('DescribeZones', fault as any, attempts);
      const failed = await h.graphql('{ zones { id } }');
      expect(failed.status).toBe(200);
      expect(failed.body.errors![0]).toMatchObject({ path: ['zones'], extensions: { code } });
      // The simulator records a delayed call when its delay ends.
      await eventually(async () => expect(h.simulator.callCount('DescribeZones')).toBe(attempts));
      const next = await h.graphql('{ zones { id } }');
      expect(next.body.errors).toBeUndefined();
    });
  });

  it('never shows the AccessKey password', async () => {
    const answers = await Promise.all([
      h.graphql('{ zones { id } imageQuotas { zoneId } images { totalCount } }'),
      h.graphql(CREATE, { input: { instanceId: 'ins-fra-running', name: 'x' } }),
      h.graphql(CREATE, { input: { instanceId: 'ins-fra-stopped', name: 'bad name' } }),
    ]);
    for (const answer of answers) {
      expect(JSON.stringify(answer.body)).not.toContain(SIMULATOR_DEFAULT_CREDENTIALS.accessKeyPassword);
    }
  });
});

describe('GraphQL mutations against a simulator that spells codes as the Go SDK does', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, { imageReadyDelayMs: 300, errorCodeStyle: 'dotted' });
  });
  afterAll(() => h.close());
  beforeEach(() => h.simulator.reset());

  it.each([
    ['a running instance', 'ins-fra-running', 'FAILED_PRECONDITION', 'Unsupported.Operation.Instance.State.Starting'],
    ['an unsupported zone', 'ins-sin-stopped', 'FAILED_PRECONDITION', 'Unsupported.Operation.Zone.Not.Support'],
    ['an unknown instance', 'ins-nope', 'NOT_FOUND', 'Invalid.Instance.Not.Found'],
  ])('maps %s to the same code as the documented spelling', async (_case, instanceId, code, upstreamCode) => {
    const { body } = await h.graphql(CREATE, { input: { instanceId, name: 'dotted' } });
    expect(body.errors![0].extensions).toMatchObject({ code, upstream: { action: 'CreateImage', code: upstreamCode } });
  });

  it('maps a full quota and a busy image', async () => {
    h.simulator.setQuota('TYO-A', 0);
    const full = await h.graphql(CREATE, { input: { instanceId: 'ins-tyo-stopped', name: 'dotted' } });
    expect(full.body.errors![0].extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', upstream: { code: 'Limit.Exceeded.Image.Quota' } });
    const created = await h.graphql(CREATE, { input: { instanceId: 'ins-fra-stopped', name: 'dotted' } });
    const busy = await h.graphql('mutation($ids: [ID!]!) { deleteImages(ids: $ids) { deletedIds } }', { ids: [created.body.data!.createImage.imageId] });
    expect(busy.body.errors![0].extensions).toMatchObject({ code: 'FAILED_PRECONDITION', upstream: { code: 'Invalid.Image.Status' } });
  });
});
