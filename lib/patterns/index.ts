export * from './peering-lab';
export * from './mesh-address-plan';
export * from './mesh';
