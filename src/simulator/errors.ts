/**
 * Zenlayer error codes the simulator answers, in the documented upper-case spelling (the Go
 * SDK's dotted spelling, e.g. `Invalid.Image.Not.Found`, names the same codes).
 */
export const ZC_ERROR = {
  invalidAuthorization: 'AUTHFAILURE_INVALID_AUTHORIZATION',
  signatureFailure: 'AUTHFAILURE_SIGNATURE_FAILURE',
  signatureExpired: 'AUTHFAILURE_SIGNATURE_EXPIRED',
  missingParameter: 'MISSING_PARAMETER',
  parameterType: 'INVALID_PARAMETER_TYPE',
  parameterValue: 'INVALID_PARAMETER_VALUE',
  parameterPattern: 'INVALID_PARAMETER_PATTERN_ERROR',
  parameterExceedLength: 'INVALID_PARAMETER_EXCEED_LENGTH',
  parameterLessLength: 'INVALID_PARAMETER_LESS_LENGTH',
  parameterExceedMaximum: 'INVALID_PARAMETER_EXCEED_MAXIMUM',
  parameterLessMinimum: 'INVALID_PARAMETER_LESS_MINIMUM',
  /** Not in Zenlayer's published list; the simulator's answer to an unknown `x-zc-action`. */
  invalidAction: 'INVALID_ACTION',
  resourceNotFound: 'OPERATION_FAILED_RESOURCE_NOT_FOUND',
  imageNotFound: 'INVALID_IMAGE_NOT_FOUND',
  instanceNotFound: 'INVALID_INSTANCE_NOT_FOUND',
  zoneNotFound: 'INVALID_ZONE_NOT_FOUND',
  imageStatus: 'INVALID_IMAGE_STATUS',
  imageQuotaExceeded: 'LIMIT_EXCEEDED_IMAGE_QUOTA',
  instanceStateStarting: 'UNSUPPORTED_OPERATION_INSTANCE_STATE_STARTING',
  zoneNotSupport: 'UNSUPPORTED_OPERATION_ZONE_NOT_SUPPORT',
  diskMakingImage: 'UNSUPPORTED_OPERATION_DISK_MAKING_IMAGE',
  requestLimitExceeded: 'REQUEST_LIMIT_EXCEEDED',
  internalError: 'INTERNAL_SERVER_ERROR',
} as const;

/** A Zenlayer-shaped failure: HTTP status, code and message. */
export class SimulatorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}

/** A 400: illegal parameters or an operation the current state does not allow. */
export const badRequest = (code: string, message: string): SimulatorError => new SimulatorError(400, code, message);

/** A 404: the named resource does not exist. */
export const notFound = (code: string, message: string): SimulatorError => new SimulatorError(404, code, message);
