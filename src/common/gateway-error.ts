/** @deprecated Import from `common/errors`. Kept only for the files of src/modules/images/ that still import this path. */
export { GatewayError, type ErrorCode, type FieldProblem, type GatewayErrorDetails, type UpstreamReference } from './errors';
