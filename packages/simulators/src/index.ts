export * from './aloware/index.ts';
export * from './ghl/index.ts';
export * from './texting/index.ts';
