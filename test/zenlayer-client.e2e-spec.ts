import { staticCredentials } from '../src/upstream/zenlayer/credentials';
import { ZenlayerClient } from '../src/upstream/zenlayer/zenlayer.client';
import { ZenlayerError } from '../src/upstream/zenlayer/zenlayer.error';
import { SIMULATOR_DEFAULT_CREDENTIALS, ZenlayerSimulator } from '../src/simulator';

/** The signed client against the simulator, which verifies signatures as Zenlayer does. */
describe('ZenlayerClient against the simulator', () => {
  const simulator = new ZenlayerSimulator({ imageReadyDelayMs: 50 });
  let url: string;
  const client = (overrides: Partial<ConstructorParameters<typeof ZenlayerClient>[0]> = {}) =>
    new ZenlayerClient({ baseUrl: url, timeoutMs: 2000, credentials: staticCredentials(SIMULATOR_DEFAULT_CREDENTIALS), ...overrides });

  beforeAll(async () => {
    url = await simulator.listen(0, '127.0.0.1');
  });
  afterAll(() => simulator.close());

  it('has every one of the seven actions accepted, signed with the host and port as sent', async () => {
    const zl = client();
    await expect(zl.call('DescribeZones', {})).resolves.toMatchObject({ response: { zoneSet: expect.any(Array) } });
    await expect(zl.call('DescribeImageQuota', { zoneIds: ['FRA-A'] })).resolves.toMatchObject({
      response: { images: [{ zoneId: 'FRA-A', count: 2, maxCount: 5 }] },
    });
    await expect(zl.call('DescribeImages', { zoneId: 'FRA-A', imageType: 'PUBLIC_IMAGE', pageNum: 1, pageSize: 2 })).resolves.toMatchObject({
      response: { totalCount: 4, dataSet: expect.any(Array) },
    });
    await expect(zl.call('DescribeImage', { imageId: 'img-debian-12' })).resolves.toMatchObject({
      response: { imageId: 'img-debian-12', imageType: 'PUBLIC_IMAGE' },
    });
    const created = await zl.call('CreateImage', { instanceId: 'ins-tyo-stopped', imageName: '东京-镜像_1' });
    expect(created.response.imageId).toMatch(/^img-/);
    expect(created.requestId).toMatch(/\S/);
    await expect(zl.call('ModifyImagesAttributes', { imageIds: ['img-fra-web-01'], imageDescription: 'changed' })).resolves.toMatchObject({
      requestId: expect.any(String),
    });
    await expect(zl.call('DeleteImages', { imageIds: ['img-fra-db-01'] })).resolves.toMatchObject({ requestId: expect.any(String) });
    expect(new Set(simulator.calls.map((c) => c.action)).size).toBe(7);
    expect(simulator.calls.every((c) => c.status === 200)).toBe(true);
  });

  it('is refused with AUTHFAILURE_SIGNATURE_FAILURE when the password is wrong', async () => {
    const wrong = client({ credentials: staticCredentials({ ...SIMULATOR_DEFAULT_CREDENTIALS, accessKeyPassword: 'wrong' }) });
    await expect(wrong.call('DescribeZones', {})).rejects.toMatchObject({ kind: 'api', httpStatus: 401, code: 'AUTHFAILURE_SIGNATURE_FAILURE' });
  });

  it('is refused with AUTHFAILURE_SIGNATURE_EXPIRED when its clock is ten minutes off', async () => {
    const stale = client({ clock: () => Math.floor(Date.now() / 1000) - 600 });
    const error: ZenlayerError = await stale.call('DescribeZones', {}).then(() => { throw new Error('accepted'); }, (e: ZenlayerError) => e);
    expect(error).toMatchObject({ httpStatus: 401, code: 'AUTHFAILURE_SIGNATURE_EXPIRED' });
  });
});
