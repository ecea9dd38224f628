// @jepa/hierarchy public API: seeded environments, action-conditioned world models, latent planners.
export * from './env/index.js';
export * from './planning/index.js';
export * from './levels/index.js';
export * from './model/index.js';
export * from './training/index.js';
export * from './evaluation/index.js';
export * from './two-rooms/index.js';
export * from './four-rooms/index.js';
