/**
 * Zenlayer error codes the simulator answers, in the documented upper-case spelling (the Go
 * SDK's dotted spelling, e.g. `Invalid.Image.Not.Found`, names the same codes; see
 * {@link styleErrorCode}).
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
  diskUnavailable: 'UNSUPPORTED_OPERATION_DISK_UNAVAILABLE',
  diskMakingImage: 'UNSUPPORTED_OPERATION_DISK_MAKING_IMAGE',
  requestLimitExceeded: 'REQUEST_LIMIT_EXCEEDED',
  internalError: 'INTERNAL_SERVER_ERROR',
} as const;

/** One of the codes in {@link ZC_ERROR}. */
export type ZcErrorCode = (typeof ZC_ERROR)[keyof typeof ZC_ERROR];

/** The spellings the simulator can answer error codes in. */
export const ERROR_CODE_STYLES = ['documented', 'dotted'] as const;

/**
 * `documented`: upper-case with underscores, as the API documentation writes them
 * (`INVALID_IMAGE_NOT_FOUND`). `dotted`: as the Go SDK's constants spell them
 * (`Invalid.Image.Not.Found`), for the codes that have such a form.
 */
export type ErrorCodeStyle = (typeof ERROR_CODE_STYLES)[number];

/** Whether `value` names an error code style. */
export const isErrorCodeStyle = (value: unknown): value is ErrorCodeStyle => (ERROR_CODE_STYLES as readonly unknown[]).includes(value);

/**
 * The Go SDK's dotted spelling (`vm20230313/errors.go`) of the codes that have one. The common
 * codes (AUTHFAILURE_*, MISSING_PARAMETER, INVALID_PARAMETER_*, OPERATION_FAILED_RESOURCE_NOT_FOUND,
 * REQUEST_LIMIT_EXCEEDED, INTERNAL_SERVER_ERROR) and the simulator's own INVALID_ACTION have no
 * dotted form there, so both styles answer them as documented; the SDKs even match
 * `REQUEST_LIMIT_EXCEEDED` literally to retry, so a made-up dotted form would be wrong.
 */
const DOTTED_CODES: { readonly [Code in ZcErrorCode]?: string } = {
  INVALID_IMAGE_NOT_FOUND: 'Invalid.Image.Not.Found',
  INVALID_INSTANCE_NOT_FOUND: 'Invalid.Instance.Not.Found',
  INVALID_ZONE_NOT_FOUND: 'Invalid.Zone.Not.Found',
  INVALID_IMAGE_STATUS: 'Invalid.Image.Status',
  LIMIT_EXCEEDED_IMAGE_QUOTA: 'Limit.Exceeded.Image.Quota',
  UNSUPPORTED_OPERATION_INSTANCE_STATE_STARTING: 'Unsupported.Operation.Instance.State.Starting',
  UNSUPPORTED_OPERATION_ZONE_NOT_SUPPORT: 'Unsupported.Operation.Zone.Not.Support',
  UNSUPPORTED_OPERATION_DISK_UNAVAILABLE: 'Unsupported.Operation.Disk.Unavailable',
  UNSUPPORTED_OPERATION_DISK_MAKING_IMAGE: 'Unsupported.Operation.Disk.Making.Image',
};

/** `code` spelled in `style`; a code without a dotted form is answered as it is in either style. */
export function styleErrorCode(code: string, style: ErrorCodeStyle): string {
  if (style === 'documented' || !Object.prototype.hasOwnProperty.call(DOTTED_CODES, code)) return code;
  return DOTTED_CODES[code as ZcErrorCode] ?? code;
}

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
