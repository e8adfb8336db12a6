import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ERROR_CODE_LIST, ErrorCode } from './errors';

/** RFC 9457 problem details, as every REST error is sent (`application/problem+json`). */
export class ProblemDetails {
  @ApiProperty({ example: 'about:blank' })
  type: string;
  @ApiProperty({ example: 'Quota exceeded' })
  title: string;
  @ApiProperty({ example: 409 })
  status: number;
  @ApiProperty({ example: "The zone's custom image quota is used up: delete an image in that zone or ask Zenlayer support to raise the limit" })
  detail: string;
  @ApiProperty({ enum: ERROR_CODE_LIST, description: 'The same codes as GraphQL `extensions.code`' })
  code: ErrorCode;
  @ApiPropertyOptional({ description: 'The Zenlayer call the error came from', example: { action: 'CreateImage', code: 'LIMIT_EXCEEDED_IMAGE_QUOTA', requestId: 'T0C3...' } })
  upstream?: { action: string; code: string; requestId?: string };
  @ApiPropertyOptional({ description: 'For BAD_USER_INPUT: each bad field with its reasons', example: [{ field: 'name', reasons: ['must be 1 to 24 characters'] }] })
  errors?: Array<{ field: string; reasons: string[] }>;
  @ApiPropertyOptional({
    description: "For a refused image creation: the image-creation check's blocker code naming the same reason",
    enum: ['INSTANCE_NOT_FOUND', 'INSTANCE_NOT_STOPPED', 'ZONE_UNSUPPORTED', 'DISK_UNAVAILABLE', 'DISK_BUSY', 'QUOTA_FULL'],
    example: 'QUOTA_FULL',
  })
  blocker?: string;
  @ApiPropertyOptional({ example: '/v1/images' })
  instance?: string;
}

const problem = (status: number, description: string) =>
  ApiResponse({ status, description, type: ProblemDetails, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } } });

/** The security schemes and the error responses every /v1 route can give. */
export const RestRoute = (...extra: Array<[number, string]>) =>
  applyDecorators(
    ApiSecurity('api-key'),
    ApiBearerAuth('bearer'),
    problem(400, 'BAD_USER_INPUT: a bad parameter or body field, `errors` lists each; BAD_REQUEST: a malformed request (a body that is not JSON)'),
    problem(401, 'UNAUTHENTICATED: missing or wrong API key or token'),
    problem(403, 'FORBIDDEN: the client lacks the scope this route needs'),
    problem(429, 'RATE_LIMITED: too many requests; see the Retry-After header'),
    problem(502, 'UPSTREAM_ERROR: Zenlayer refused or answered unreadably'),
    problem(503, 'UPSTREAM_UNAVAILABLE: Zenlayer is unreachable, failing or throttled (see Retry-After when given); STORE_UNAVAILABLE: the shared store (Redis) cannot be reached'),
    problem(504, 'UPSTREAM_UNAVAILABLE: Zenlayer did not answer in time'),
    ...extra.map(([status, description]) => problem(status, description)),
  );

/** `?zoneIds=FRA-A,HKG-A` (or repeated `zoneIds`) as a list. */
export const CommaSeparated = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : Array.isArray(value) ? value.flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean) : value,
  );
