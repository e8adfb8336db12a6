import { ZenlayerError, ZenlayerErrorDetails } from './zenlayer.error';
import { fromZenlayerError } from './error-mapping';

const apiError = (code: string, httpStatus = 400, extra: Partial<ZenlayerErrorDetails> = {}) =>
  new ZenlayerError({ action: 'CreateImage', kind: 'api', code, message: `upstream says ${code}`, httpStatus, requestId: 'T-1', sent: true, ...extra });

describe('fromZenlayerError', () => {
  it.each([
    ['INVALID_IMAGE_NOT_FOUND', 'NOT_FOUND'],
    ['Invalid.Image.Not.Found', 'NOT_FOUND'],
    ['Invalid.Instance.Not.Found', 'NOT_FOUND'],
    ['INVALID_ZONE_NOT_FOUND', 'NOT_FOUND'],
    ['LIMIT_EXCEEDED_IMAGE_QUOTA', 'QUOTA_EXCEEDED'],
    ['Limit.Exceeded.Image.Quota', 'QUOTA_EXCEEDED'],
    ['Unsupported.Operation.Instance.State.Starting', 'FAILED_PRECONDITION'],
    ['UNSUPPORTED_OPERATION_ZONE_NOT_SUPPORT', 'FAILED_PRECONDITION'],
    ['Unsupported.Operation.Disk.Unavailable', 'FAILED_PRECONDITION'],
    ['UNSUPPORTED_OPERATION_DISK_MAKING_IMAGE', 'FAILED_PRECONDITION'],
    ['Invalid.Image.Status', 'FAILED_PRECONDITION'],
    ['INVALID_PARAMETER_PATTERN_ERROR', 'BAD_USER_INPUT'],
    ['MISSING_PARAMETER', 'BAD_USER_INPUT'],
    ['REQUEST_LIMIT_EXCEEDED', 'RATE_LIMITED'],
    ['AUTHFAILURE_SIGNATURE_FAILURE', 'UPSTREAM_ERROR'],
    ['SOMETHING_NEW', 'UPSTREAM_ERROR'],
  ])('maps %s to %s with the upstream reference', (code, expected) => {
    const mapped = fromZenlayerError(apiError(code));
    expect(mapped.code).toBe(expected);
    expect(mapped.details.upstream).toEqual({ action: 'CreateImage', code, requestId: 'T-1' });
  });

  it.each([
    ['SERVICE_TEMPORARY_UNAVAILABLE', 503],
    ['INTERNAL_SERVER_ERROR', 500],
    ['ANYTHING', 502],
  ])('maps %s (HTTP %i) to UPSTREAM_UNAVAILABLE', (code, status) => {
    expect(fromZenlayerError(apiError(code, status)).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('maps HTTP 429 without a code to RATE_LIMITED', () => {
    expect(fromZenlayerError(apiError('TOO_MANY', 429)).code).toBe('RATE_LIMITED');
  });

  it.each([
    ['timeout', undefined, 'UPSTREAM_UNAVAILABLE'],
    ['network', undefined, 'UPSTREAM_UNAVAILABLE'],
    ['challenge', 403, 'UPSTREAM_UNAVAILABLE'],
    ['blocked', 451, 'UPSTREAM_ERROR'],
    ['bad-response', 200, 'UPSTREAM_ERROR'],
    ['bad-response', 502, 'UPSTREAM_UNAVAILABLE'],
  ] as const)('maps a %s failure (HTTP %s) to %s', (kind, httpStatus, expected) => {
    const error = new ZenlayerError({ action: 'DescribeZones', kind, code: 'X', message: 'm', httpStatus, sent: true });
    expect(fromZenlayerError(error).code).toBe(expected);
  });

  it.each([
    ['an HTML page', 'bad-response'],
    ['an empty body', 'bad-response'],
    ['a JSON body without a code', 'bad-response'],
  ] as const)('maps HTTP 429 with %s to RATE_LIMITED with a retry delay, not to an unreadable answer', (_body, kind) => {
    const error = new ZenlayerError({ action: 'CreateImage', kind, code: 'GATEWAY_UPSTREAM_BAD_RESPONSE', message: 'm', httpStatus: 429, sent: true });
    const mapped = fromZenlayerError(error);
    expect(mapped).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 1, upstream: { action: 'CreateImage' } } });
    expect(mapped.details.outcomeUnknown).toBeUndefined();
  });

  it.each(['AUTHFAILURE_SIGNATURE_EXPIRED', 'AuthFailure.Signature.Expired'])('tells the operator to check the clock, not the credentials, for %s', (code) => {
    const mapped = fromZenlayerError(apiError(code, 401));
    expect(mapped.code).toBe('UPSTREAM_ERROR');
    expect(mapped.message).toMatch(/clock/);
    expect(mapped.message).toMatch(/5 minutes/);
    expect(mapped.message).not.toMatch(/credentials/);
  });

  it.each(['AUTHFAILURE_SIGNATURE_FAILURE', 'AuthFailure.Invalid.Authorization', 'AUTHFAILURE_UNAUTHORIZED_OPERATION'])('keeps the credentials message for %s', (code) => {
    const mapped = fromZenlayerError(apiError(code, 401));
    expect(mapped.code).toBe('UPSTREAM_ERROR');
    expect(mapped.message).toMatch(/credentials/);
    expect(mapped.message).not.toMatch(/clock/);
  });

  it('passes on Zenlayer\'s message only for parameter errors', () => {
    expect(fromZenlayerError(apiError('INVALID_PARAMETER_VALUE')).message).toContain('upstream says INVALID_PARAMETER_VALUE');
    expect(fromZenlayerError(apiError('AUTHFAILURE_SIGNATURE_FAILURE')).message).not.toContain('upstream says');
  });
});
