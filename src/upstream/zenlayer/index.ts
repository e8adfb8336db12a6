/** The gateway's only door to Zenlayer: features import from here and nowhere else in this folder. */
export * from './actions';
export * from './credentials';
export * from './signer';
export * from './wire.types';
export * from './zenlayer.client';
export * from './zenlayer.error';
export * from './zone-rules';
export * from './zenlayer.module';
export * from './zenlayer.service';
export * from './read-cache';
export * from './resilience';
