export * from './versions';
export * from './agent';
export * from './docker';
