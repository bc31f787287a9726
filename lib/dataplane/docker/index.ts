export * from './image';
export * from './docker-host';
export * from './network';
export * from './pod';
export * from './envoy';
export * from './app';
export * from './cluster-data-plane';
export * from './server';
