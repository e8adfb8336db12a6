import { ZenlayerError, ZenlayerErrorDetails } from './zenlayer.error';
import { fromZenlayerError, metricOutcome, sanitizedZenlayerError } from './error-mapping';
import { outsideTextCleaner } from '../../common/secrets';

const apiError = (code: string, httpStatus = 400, extra: Partial<ZenlayerErrorDetails> = {}) =>
  new ZenlayerError({ action: 'CreateImage', kind: 'api', code, message: `upstream says ${code}`, httpStatus, requestId: 'T-1', sent: true, ...extra });

/** As the service maps a failure: made safe first, then translated. */
const map = (error: ZenlayerError) => fromZenlayerError(sanitizedZenlayerError(error, outsideTextCleaner([])));

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
    const mapped = map(apiError(code));
    expect(mapped.code).toBe(expected);
    expect(mapped.details.upstream).toEqual({ action: 'CreateImage', code, requestId: 'T-1' });
  });

  it.each([
    ['SERVICE_TEMPORARY_UNAVAILABLE', 503],
    ['INTERNAL_SERVER_ERROR', 500],
    ['ANYTHING', 502],
  ])('maps %s (HTTP %i) to UPSTREAM_UNAVAILABLE', (code, status) => {
    expect(map(apiError(code, status)).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('maps HTTP 429 without a code to RATE_LIMITED', () => {
    expect(map(apiError('TOO_MANY', 429)).code).toBe('RATE_LIMITED');
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
    expect(map(error).code).toBe(expected);
  });

  it.each([
    ['an HTML page', 'bad-response'],
    ['an empty body', 'bad-response'],
    ['a JSON body without a code', 'bad-response'],
  ] as const)('maps HTTP 429 with %s to RATE_LIMITED with a retry delay, not to an unreadable answer', (_body, kind) => {
    const error = new ZenlayerError({ action: 'CreateImage', kind, code: 'GATEWAY_UPSTREAM_BAD_RESPONSE', message: 'm', httpStatus: 429, sent: true });
    const mapped = map(error);
    expect(mapped).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 1, upstream: { action: 'CreateImage' } } });
    expect(mapped.details.outcomeUnknown).toBeUndefined();
  });

  it.each(['AUTHFAILURE_SIGNATURE_EXPIRED', 'AuthFailure.Signature.Expired'])('tells the operator to check the clock, not the credentials, for %s', (code) => {
    const mapped = map(apiError(code, 401));
    expect(mapped.code).toBe('UPSTREAM_ERROR');
    expect(mapped.message).toMatch(/clock/);
    expect(mapped.message).toMatch(/5 minutes/);
    expect(mapped.message).not.toMatch(/credentials/);
  });

  it.each(['AUTHFAILURE_SIGNATURE_FAILURE', 'AuthFailure.Invalid.Authorization', 'AUTHFAILURE_UNAUTHORIZED_OPERATION'])('keeps the credentials message for %s', (code) => {
    const mapped = map(apiError(code, 401));
    expect(mapped.code).toBe('UPSTREAM_ERROR');
    expect(mapped.message).toMatch(/credentials/);
    expect(mapped.message).not.toMatch(/clock/);
  });

  it('passes on Zenlayer\'s message only for parameter errors', () => {
    expect(map(apiError('INVALID_PARAMETER_VALUE')).message).toContain('upstream says INVALID_PARAMETER_VALUE');
    expect(map(apiError('AUTHFAILURE_SIGNATURE_FAILURE')).message).not.toContain('upstream says');
  });

  it.each([
    ['an HTML fragment', '<b>INVALID</b>'],
    ['a path', '/srv/zenlayer/internal/handler.go:42'],
    ['a very long code', `CODE_${'X'.repeat(100)}`],
    ['control characters', 'INVALID\r\nX-Injected: yes'],
    ['an empty code', ''],
  ])('shows an upstream code with %s as UNRECOGNIZED_CODE', (_what, code) => {
    const mapped = map(apiError(code, 400));
    expect(mapped.details.upstream?.code).toBe('UNRECOGNIZED_CODE');
    expect(mapped.code).toBe('UPSTREAM_ERROR');
    expect(mapped.message).toBe('Zenlayer refused the request (UNRECOGNIZED_CODE)');
  });

  it('shows an upstream request id of another shape as UNRECOGNIZED_REQUEST_ID', () => {
    expect(map(apiError('SOMETHING', 400, { requestId: '<script>x</script>' })).details.upstream?.requestId).toBe('UNRECOGNIZED_REQUEST_ID');
  });

  it('passes on a parameter error\'s message bounded and without markup', () => {
    const message = `<html><body><h1>zoneIds is invalid</h1><pre>${'at /opt/zenlayer/app.jar\n'.repeat(1000)}</pre></body></html>`;
    const mapped = map(apiError('INVALID_PARAMETER_VALUE', 400, { message }));
    expect(mapped.code).toBe('BAD_USER_INPUT');
    expect(mapped.message).toMatch(/^Zenlayer rejected the request: zoneIds is invalid at/);
    expect(mapped.message.length).toBeLessThan(400);
    expect(mapped.message).not.toMatch(/[<>\n]/);
  });

  it('sanitizes the error the logs, metrics and retries see', () => {
    const raw = apiError('weird code!', 500, { message: 'failed near Pw-Secret-123456<br>\u0007', requestId: 'x'.repeat(500) });
    const safe = sanitizedZenlayerError(raw, outsideTextCleaner(['pw-secret-123456']));
    expect(safe).toMatchObject({ code: 'UNRECOGNIZED_CODE', message: 'failed near [redacted]', requestId: 'UNRECOGNIZED_REQUEST_ID', httpStatus: 500, kind: 'api', sent: true });
  });
});

describe(metricOutcome.name, () => {
  it.each([
    ['Invalid.Image.Not.Found', 'INVALID_IMAGE_NOT_FOUND'],
    ['OPERATION_FAILED_RESOURCE_NOT_FOUND', 'OPERATION_FAILED_RESOURCE_NOT_FOUND'],
    ['INVALID_REGION_NOT_FOUND', 'INVALID_REGION_NOT_FOUND'],
    ['SERVICE_TEMPORARY_UNAVAILABLE', 'SERVICE_TEMPORARY_UNAVAILABLE'],
    ['REQUEST_LIMIT_EXCEEDED', 'REQUEST_LIMIT_EXCEEDED'],
    ['GATEWAY_UPSTREAM_TIMEOUT', 'GATEWAY_UPSTREAM_TIMEOUT'],
    ['INVALID_PARAMETER_VALUE', 'INVALID_PARAMETER'],
    ['AuthFailure.Signature.Expired', 'AUTHFAILURE'],
    ['SOMETHING_NEW_FROM_ZENLAYER', 'OTHER'],
    ['UNRECOGNIZED_CODE', 'OTHER'],
  ])('labels %s as %s', (code, label) => {
    expect(metricOutcome(apiError(code))).toBe(label);
  });
});

describe('fromZenlayerError: refusals the same input can never overcome', () => {
  it.each([
    ['INVALID_INSTANCE_NOT_FOUND', true],
    ['Invalid.Instance.Not.Found', true],
    ['INVALID_ZONE_NOT_FOUND', true],
    ['OPERATION_FAILED_RESOURCE_NOT_FOUND', true],
    ['UNSUPPORTED_OPERATION_ZONE_NOT_SUPPORT', true],
    ['INVALID_PARAMETER_PATTERN_ERROR', true],
    ['MISSING_PARAMETER', true],
    ['UNSUPPORTED_OPERATION_INSTANCE_STATE_STARTING', false],
    ['UNSUPPORTED_OPERATION_DISK_MAKING_IMAGE', false],
    ['UNSUPPORTED_OPERATION_DISK_UNAVAILABLE', false],
    ['LIMIT_EXCEEDED_IMAGE_QUOTA', false],
    ['REQUEST_LIMIT_EXCEEDED', false],
    ['SERVICE_TEMPORARY_UNAVAILABLE', false],
    ['AUTHFAILURE_SIGNATURE_EXPIRED', false],
    ['SOMETHING_NEW', false],
  ])('%s is final: %s', (code, final) => {
    expect(map(apiError(code)).details.final === true).toBe(final);
  });
});
