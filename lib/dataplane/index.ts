export * from './versions';
export * from './docker';
