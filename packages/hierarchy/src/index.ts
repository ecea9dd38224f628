/**
 * JEPA world models: seeded environments (Two Rooms, Four Rooms), action-conditioned world models
 * and their training, latent planners (CEM, MPPI, hierarchical), levels stacked above a world model
 * or any encoder, and planning evaluation.
 *
 * @module @jepa/hierarchy
 */
export * from './env/index.js';
export * from './planning/index.js';
export * from './levels/index.js';
export * from './model/index.js';
export * from './training/index.js';
export * from './evaluation/index.js';
export * from './two-rooms/index.js';
export * from './four-rooms/index.js';
