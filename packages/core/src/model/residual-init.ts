import * as tf from '@tensorflow/tfjs';
import type { TransformerBlock } from '../nn/transformer-block.js';

/**
 * The official `fix_init_weight`: divides each block's `attn.proj` and `mlp.fc2` weights by
 * `sqrt(2 * layer)` (layer counted from 1) so deeper residual branches start smaller.
 */
export function rescaleResidualBranches(blocks: readonly TransformerBlock[]): void {
  blocks.forEach((block, i) => {
    const factor = Math.sqrt(2 * (i + 1));
    for (const v of [block.attn.proj.weight, block.mlp.fc2.weight]) {
      tf.tidy(() => v.assign(tf.div(v, factor)));
    }
  });
}
