/**
 * The Zenlayer Cloud API v2 simulator (service `vm`, version `2023-03-13`): importable by the
 * gateway and the tests, runnable alone with `npm run simulator`.
 */
export { ZenlayerSimulator, SIMULATOR_DEFAULT_CREDENTIALS } from './simulator';
export type { SimulatorOptions, SimulatorCall } from './simulator';
export type { SimulatorFault } from './faults';
export { SIMULATOR_SEED, DEFAULT_IMAGE_QUOTA, INSTANCE_STATUSES } from './state';
export type { ImageStatus, ImageType, InstanceStatus } from './state';
export { ZC_ERROR, ERROR_CODE_STYLES } from './errors';
export type { ErrorCodeStyle } from './errors';
export { ACTION_NAMES } from './actions';
export { ADMIN_PREFIX } from './admin';
export { buildZc2Authorization, computeZc2Signature, verifyZc2Request } from './signature';
export type { Zc2Credentials, Zc2VerifyInput, Zc2VerifyResult } from './signature';
