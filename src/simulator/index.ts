/**
 * The Zenlayer Cloud API v2 simulator (service `vm`, version `2023-03-13`): importable by the
 * gateway and the tests, runnable alone with `npm run simulator`. Exports what other folders
 * use; the simulator's own specs import its files directly.
 */
export { ZenlayerSimulator, SIMULATOR_DEFAULT_CREDENTIALS } from './simulator';
export type { SimulatorOptions } from './simulator';
export type { SimulatorFault } from './faults';
