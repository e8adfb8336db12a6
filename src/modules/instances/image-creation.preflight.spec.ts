import type { ImageQuota } from '../quotas/image-quota.model';
import { checkImageCreation, instanceNotFound } from './image-creation.preflight';
import type { Instance } from './models/instance.model';

const instance = (overrides: Partial<Instance> = {}): Instance => ({
  id: 'ins-1',
  name: 'web-1',
  zoneId: 'FRA-A',
  status: 'STOPPED',
  systemDisk: { sizeGb: 40, category: 'Standard NVMe SSD' },
  sourceImage: { id: 'img-ubuntu-2204', name: 'Ubuntu-22.04' },
  createdAt: '2024-01-08T08:11:00Z',
  ...overrides,
});
const quota = (count: number, maxCount = 5, zoneId = 'FRA-A'): ImageQuota => ({ zoneId, count, maxCount, remaining: Math.max(0, maxCount - count) });
const codes = (facts: Parameters<typeof checkImageCreation>[0]) => checkImageCreation(facts).reasons.map((reason) => reason.code);

describe(checkImageCreation.name, () => {
  it('allows a STOPPED instance with a disk, in a supported zone with room, with its quota', () => {
    expect(checkImageCreation({ instance: instance(), quota: quota(2), imageInFlight: null })).toEqual({ allowed: true, reasons: [], quota: quota(2) });
  });

  it.each([['RUNNING'], ['STOPPING'], ['BOOTING'], ['MIGRATING'], ['stopped'], ['UNKNOWN']])('never allows status %s', (status) => {
    expect(codes({ instance: instance({ status }), quota: quota(0), imageInFlight: null })).toEqual(['INSTANCE_NOT_STOPPED']);
  });

  it.each([['SIN-E'], ['LAX-A']])('refuses zone %s', (zoneId) => {
    expect(codes({ instance: instance({ zoneId }), quota: quota(0, 5, zoneId), imageInFlight: null })).toEqual(['ZONE_UNSUPPORTED']);
  });

  it('refuses an instance without a reported system disk', () => {
    expect(codes({ instance: instance({ systemDisk: null }), quota: quota(0), imageInFlight: null })).toEqual(['DISK_UNAVAILABLE']);
  });

  it('refuses an instance with an image in flight, naming it', () => {
    const check = checkImageCreation({ instance: instance(), quota: quota(0), imageInFlight: 'img-abc' });
    expect(check.reasons).toEqual([{ code: 'DISK_BUSY', message: expect.stringContaining('img-abc') }]);
  });

  it.each([
    [5, 5],
    [6, 5],
    [0, 0],
  ])('refuses a zone holding %i of %i', (count, maxCount) => {
    expect(codes({ instance: instance(), quota: quota(count, maxCount), imageInFlight: null })).toEqual(['QUOTA_FULL']);
  });

  it('does not guess a quota it was not given', () => {
    expect(checkImageCreation({ instance: instance(), quota: null, imageInFlight: null })).toEqual({ allowed: true, reasons: [], quota: null });
  });

  it('lists every reason, in the order of the codes, each saying what to do', () => {
    const check = checkImageCreation({ instance: instance({ zoneId: 'LAX-A', status: 'RUNNING', systemDisk: null }), quota: quota(5, 5, 'LAX-A'), imageInFlight: 'img-1' });
    expect(check.allowed).toBe(false);
    expect(check.reasons.map((reason) => reason.code)).toEqual(['INSTANCE_NOT_STOPPED', 'ZONE_UNSUPPORTED', 'DISK_UNAVAILABLE', 'DISK_BUSY', 'QUOTA_FULL']);
    for (const reason of check.reasons) expect(reason.message).toMatch(/: [a-z]/);
  });
});

describe(instanceNotFound.name, () => {
  it('is an answer naming the id, with no quota', () => {
    expect(instanceNotFound('ins-x')).toEqual({ allowed: false, reasons: [{ code: 'INSTANCE_NOT_FOUND', message: expect.stringContaining('ins-x') }], quota: null });
  });
});
