import { fromZenlayerError } from './error-mapping';
import { ZenlayerError } from './zenlayer.error';

const refusal = (action: 'CreateImage' | 'DescribeImages', code: string) =>
  new ZenlayerError({ action, kind: 'api', code, message: `upstream says ${code}`, httpStatus: 400, requestId: 'T-1', sent: true });

describe('fromZenlayerError: CreateImage refusals name the preflight blocker', () => {
  it.each([
    ['INVALID_INSTANCE_NOT_FOUND', 'NOT_FOUND', 'INSTANCE_NOT_FOUND'],
    ['Invalid.Instance.Not.Found', 'NOT_FOUND', 'INSTANCE_NOT_FOUND'],
    ['UNSUPPORTED_OPERATION_INSTANCE_STATE_STARTING', 'FAILED_PRECONDITION', 'INSTANCE_NOT_STOPPED'],
    ['Unsupported.Operation.Zone.Not.Support', 'FAILED_PRECONDITION', 'ZONE_UNSUPPORTED'],
    ['UNSUPPORTED_OPERATION_DISK_UNAVAILABLE', 'FAILED_PRECONDITION', 'DISK_UNAVAILABLE'],
    ['Unsupported.Operation.Disk.Unavailable', 'FAILED_PRECONDITION', 'DISK_UNAVAILABLE'],
    ['Unsupported.Operation.Disk.Making.Image', 'FAILED_PRECONDITION', 'DISK_BUSY'],
    ['LIMIT_EXCEEDED_IMAGE_QUOTA', 'QUOTA_EXCEEDED', 'QUOTA_FULL'],
  ])('%s: %s with blocker %s and the upstream reference', (code, expected, blocker) => {
    const mapped = fromZenlayerError(refusal('CreateImage', code));
    expect({ code: mapped.code, blocker: mapped.details.blocker }).toEqual({ code: expected, blocker });
    expect(mapped.details.upstream).toEqual({ action: 'CreateImage', code, requestId: 'T-1' });
  });

  it.each([['INVALID_IMAGE_STATUS'], ['INVALID_ZONE_NOT_FOUND'], ['REQUEST_LIMIT_EXCEEDED'], ['SOMETHING_NEW']])('gives %s no blocker', (code) => {
    expect(fromZenlayerError(refusal('CreateImage', code)).details.blocker).toBeUndefined();
  });

  it('names no blocker for another action', () => {
    expect(fromZenlayerError(refusal('DescribeImages', 'INVALID_INSTANCE_NOT_FOUND')).details.blocker).toBeUndefined();
  });
});
