export * from './config.module';
export * from './gateway-config';
export * from './load-config';
