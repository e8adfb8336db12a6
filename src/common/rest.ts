import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ERROR_CODE_LIST, ErrorCode } from './errors';

/** One bad field of an input and what is wrong with it. */
export class FieldProblemDocument {
  @ApiProperty({ description: 'The field, by its path (e.g. `name`, `ids.0`, `Idempotency-Key`)', example: 'name' })
  field: string;
  @ApiProperty({ type: [String], description: 'What to fix, one sentence each', example: ['must be 1 to 24 characters: Chinese characters, letters, digits, "-" or "_"'] })
  reasons: string[];
}

/** The Zenlayer call an error came from. */
export class UpstreamReferenceDocument {
  @ApiProperty({ example: 'CreateImage' })
  action: string;
  @ApiProperty({ description: "Zenlayer's error code", example: 'LIMIT_EXCEEDED_IMAGE_QUOTA' })
  code: string;
  @ApiPropertyOptional({ description: "Zenlayer's request id, for Zenlayer support", example: 'T0C3F2A1-...' })
  requestId?: string;
}

/** RFC 9457 problem details, as every REST error is sent (`application/problem+json`). */
export class ProblemDetails {
  @ApiProperty({ example: 'about:blank' })
  type: string;
  @ApiProperty({ example: 'Quota exceeded' })
  title: string;
  @ApiProperty({ type: 'integer', example: 409 })
  status: number;
  @ApiProperty({ example: "The zone's custom image quota is used up: delete an image in that zone or ask Zenlayer support to raise the limit" })
  detail: string;
  @ApiProperty({ enum: ERROR_CODE_LIST, enumName: 'ErrorCode', description: 'The same codes as GraphQL `extensions.code`' })
  code: ErrorCode;
  @ApiPropertyOptional({ type: UpstreamReferenceDocument, description: 'The Zenlayer call the error came from' })
  upstream?: UpstreamReferenceDocument;
  @ApiPropertyOptional({ type: [FieldProblemDocument], description: 'For BAD_USER_INPUT: each bad field with its reasons' })
  errors?: FieldProblemDocument[];
  @ApiPropertyOptional({
    description: "For a refused image creation: the image-creation check's blocker code naming the same reason",
    enum: ['INSTANCE_NOT_FOUND', 'INSTANCE_NOT_STOPPED', 'ZONE_UNSUPPORTED', 'DISK_UNAVAILABLE', 'DISK_BUSY', 'QUOTA_FULL'],
    example: 'QUOTA_FULL',
  })
  blocker?: string;
  @ApiPropertyOptional({ description: 'The path of the request', example: '/v1/images' })
  instance?: string;
}

/** The media type of every REST error. */
const PROBLEM_JSON = 'application/problem+json';

/** A response as problem+json, described; `headers` names the response headers it carries. */
export const problemResponse = (status: number, description: string, headers?: Record<string, { description: string; schema: object }>) =>
  ApiResponse({ status, description, headers, content: { [PROBLEM_JSON]: { schema: { $ref: '#/components/schemas/ProblemDetails' } } } });

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 0 } } };

/** The security schemes and the error responses every /v1 route can give. */
export const RestRoute = (...extra: Array<[number, string]>) =>
  applyDecorators(
    ApiSecurity('api-key'),
    ApiBearerAuth('bearer'),
    problemResponse(400, 'BAD_USER_INPUT: a bad parameter or body field, `errors` lists each; BAD_REQUEST: a malformed request (a body that is not JSON)'),
    problemResponse(401, 'UNAUTHENTICATED: missing or wrong API key or token', {
      'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } },
    }),
    problemResponse(403, 'FORBIDDEN: the client lacks the scope this route needs'),
    problemResponse(405, 'The path does not take this method; `Allow` lists those it takes', {
      Allow: { description: 'The methods the path takes, e.g. `GET, HEAD`', schema: { type: 'string' } },
    }),
    problemResponse(408, 'BAD_REQUEST: the request was not in within REQUEST_TIMEOUT_MS'),
    problemResponse(414, 'BAD_REQUEST: the URL, or a path parameter in it, is too long'),
    problemResponse(431, 'BAD_REQUEST: the request headers are too large'),
    problemResponse(429, 'RATE_LIMITED: too many requests (or failed logins) for this client or address', RETRY_AFTER),
    problemResponse(500, 'INTERNAL_SERVER_ERROR: a fault in the gateway; `detail` carries the request id to quote'),
    problemResponse(502, 'UPSTREAM_ERROR: Zenlayer refused or answered unreadably'),
    problemResponse(503, 'UPSTREAM_UNAVAILABLE: Zenlayer is unreachable, failing or throttled; STORE_UNAVAILABLE: the shared store (Redis) cannot be reached', RETRY_AFTER),
    problemResponse(504, 'UPSTREAM_UNAVAILABLE: Zenlayer did not answer in time'),
    ...extra.map(([status, description]) => problemResponse(status, description)),
  );

/** `?zoneIds=FRA-A,HKG-A` (or repeated `zoneIds`) as a list. */
export const CommaSeparated = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : Array.isArray(value) ? value.flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean) : value,
  );
