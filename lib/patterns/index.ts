export * from './peering-lab';
