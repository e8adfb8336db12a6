import { ZenlayerError, ZenlayerErrorDetails } from './zenlayer.error';
import { fromZenlayerError, metricOutcome, sanitizedZenlayerError } from './error-mapping';
import { outsideTextCleaner } from '../../common/secrets';

const apiError = (code: string, httpStatus = 400, extra: Partial<ZenlayerErrorDetails> = {}) =>
  new ZenlayerError({ action: 'CreateImage', kind: 'api', code, message: `upstream says ${code}`, httpStatus, requestId: 'T-1', sent: true, ...extra });

/** As the service maps a failure: made safe first, then translated, with the request's fields the client gave. */
const map = (error: ZenlayerError, clientFields: readonly string[] = []) => fromZenlayerError(sanitizedZenlayerError(error, outsideTextCleaner([])), clientFields);

/** A parameter refusal as Zenlayer words it, naming the parameter. */
const parameterError = (code: string, message: string, action: ZenlayerErrorDetails['action'] = 'DescribeImages') =>
  apiError(code, 400, { action, message });

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
    ['INVALID_PARAMETER_PATTERN_ERROR', 'UPSTREAM_ERROR'],
    ['MISSING_PARAMETER', 'UPSTREAM_ERROR'],
    ['INVALID_REGION_NOT_FOUND', 'NOT_FOUND'],
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

  it('passes on Zenlayer\'s message only for parameter errors of the client\'s fields', () => {
    expect(map(parameterError('INVALID_PARAMETER_VALUE', 'upstream says imageName is invalid'), ['imageName']).message).toContain('upstream says imageName is invalid');
    expect(map(parameterError('INVALID_PARAMETER_VALUE', 'upstream says zoneId is invalid'), ['imageName']).message).not.toContain('upstream says');
    expect(map(apiError('AUTHFAILURE_SIGNATURE_FAILURE')).message).not.toContain('upstream says');
  });

  describe('parameter refusals', () => {
    it('MISSING_PARAMETER is the gateway\'s fault, whatever it names: UPSTREAM_ERROR, with the upstream code', () => {
      const mapped = map(parameterError('MISSING_PARAMETER', 'The parameter zoneId is missing'), ['zoneId', 'imageName']);
      expect(mapped.code).toBe('UPSTREAM_ERROR');
      expect(mapped.details.upstream).toEqual({ action: 'DescribeImages', code: 'MISSING_PARAMETER', requestId: 'T-1' });
      expect(mapped.message).toMatch(/fault of the gateway/);
      expect(mapped.message).not.toContain('The parameter zoneId is missing');
      expect(mapped.details.final).toBeUndefined();
    });

    it.each([
      ['INVALID_PARAMETER_VALUE', 'The value of imageName is invalid', ['imageIds', 'imageName']],
      ['INVALID_PARAMETER_PATTERN_ERROR', 'imageIds.0 does not match the pattern', ['imageIds']],
      ['Invalid.Parameter.Value', 'zoneId: FRA-Z is not a zone', ['zoneId', 'pageSize']],
      ['INVALID_PARAMETER_OUT_OF_RANGE', 'pageSize must be at most 1000', ['zoneId', 'pageSize']],
    ])('%s naming a field the client gave (%s) is BAD_USER_INPUT, final, with the message passed on', (code, message, clientFields) => {
      const mapped = map(parameterError(code, message), clientFields);
      expect(mapped.code).toBe('BAD_USER_INPUT');
      expect(mapped.message).toBe(`Zenlayer rejected the request: ${message}`);
      expect(mapped.details).toMatchObject({ final: true, upstream: { action: 'DescribeImages', code, requestId: 'T-1' } });
    });

    it.each([
      ['a field the gateway filled in', 'The value of zoneId is invalid', ['imageIds', 'imageName', 'pageSize']],
      ['no field at all', 'Something about the request is invalid', ['imageIds', 'imageName']],
      ['a client field only inside a longer word', 'The value of imageNameSuffix is invalid', ['imageName']],
      ['any field, when the client gave none', 'The value of imageIds is invalid', []],
    ])('INVALID_PARAMETER_VALUE naming %s is UPSTREAM_ERROR, the gateway\'s fault, Zenlayer\'s message withheld', (_what, message, clientFields) => {
      const mapped = map(parameterError('INVALID_PARAMETER_VALUE', message), clientFields);
      expect(mapped.code).toBe('UPSTREAM_ERROR');
      expect(mapped.message).toMatch(/Zenlayer refused a parameter the gateway itself filled in \(INVALID_PARAMETER_VALUE\)/);
      expect(mapped.message).not.toContain(message);
      expect(mapped.details.upstream).toEqual({ action: 'DescribeImages', code: 'INVALID_PARAMETER_VALUE', requestId: 'T-1' });
      expect(mapped.details.final).toBeUndefined();
    });

    it('is the same for a write: a refused instanceId the client gave is theirs to fix', () => {
      const mapped = map(parameterError('INVALID_PARAMETER_VALUE', 'instanceId is invalid', 'CreateImage'), ['instanceId', 'imageName']);
      expect(mapped).toMatchObject({ code: 'BAD_USER_INPUT', details: { upstream: { action: 'CreateImage' } } });
    });
  });

  it.each(['INVALID_REGION_NOT_FOUND', 'Invalid.Region.Not.Found'])('maps %s, answered for a zone Zenlayer does not know, to a final NOT_FOUND about the zone', (code) => {
    const mapped = map(apiError(code, 404, { action: 'DescribeImageQuota' }));
    expect(mapped.code).toBe('NOT_FOUND');
    expect(mapped.message).toMatch(/^No such zone/);
    expect(mapped.message).toMatch(/zones query/);
    expect(mapped.details).toMatchObject({ final: true, upstream: { action: 'DescribeImageQuota', code, requestId: 'T-1' } });
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
    const mapped = map(apiError('INVALID_PARAMETER_VALUE', 400, { message }), ['zoneIds']);
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
    ['INVALID_REGION_NOT_FOUND', true],
    // Not the client's parameter (none given here): the gateway's fault, which a fixed gateway may overcome.
    ['INVALID_PARAMETER_PATTERN_ERROR', false],
    ['MISSING_PARAMETER', false],
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

  it('a parameter refusal of a field the client gave is final', () => {
    expect(map(parameterError('INVALID_PARAMETER_PATTERN_ERROR', 'imageName does not match', 'CreateImage'), ['imageName']).details.final).toBe(true);
  });
});
