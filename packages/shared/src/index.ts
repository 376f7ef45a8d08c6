export * from './schemas/common.js';
export * from './schemas/auth.js';
export * from './schemas/groups.js';
export * from './schemas/documents.js';
export * from './schemas/annotations.js';
export * from './schemas/health.js';
export * from './events.js';
export * from './routes.js';
