export * from './mesh';
export * from './proxy-defaults';
export * from './exported-services';
export * from './service-intentions';
export * from './service-defaults';
export * from './service-resolver';
export * from './sameness-group';
