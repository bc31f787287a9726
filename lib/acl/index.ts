export * from './policy-document';
export * from './policy';
export * from './token';
