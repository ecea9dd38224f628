import * as tf from '@tensorflow/tfjs';

/**
 * A block-causal attention mask: the `N = numBlocks * tokensPerBlock` tokens form consecutive
 * blocks of `tokensPerBlock` (e.g. the frames of a clip on a `[T, H, W]` grid: raster order puts
 * time first, so block `t` is tokens `t * H * W ... (t + 1) * H * W - 1`). A query token may attend
 * to every key token of its own block and of the blocks before it, never to a later block.
 *
 * @returns `[N, N]` float32, `mask[i][j] = 1` where `block(j) <= block(i)`, else 0 (the form
 *   `Attention.apply`, `TransformerEncoder.encode` and `JepaPredictor.predict` take)
 */
export function blockCausalMask(numBlocks: number, tokensPerBlock: number): tf.Tensor2D {
  for (const [name, value] of [['numBlocks', numBlocks], ['tokensPerBlock', tokensPerBlock]] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new Error(`blockCausalMask: ${name} must be a positive integer, got ${value}; e.g. blockCausalMask(frames, tokensPerFrame).`);
    }
  }
  const size = numBlocks * tokensPerBlock;
  const data = new Float32Array(size * size);
  for (let query = 0; query < size; query++) {
    // Keys 0 .. end of the query's block are visible: a prefix of the row.
    const visible = (Math.floor(query / tokensPerBlock) + 1) * tokensPerBlock;
    data.fill(1, query * size, query * size + visible);
  }
  return tf.tensor2d(data, [size, size]);
}

/**
 * Throws unless `mask` is `[tokens, tokens]` or `[rows, tokens, tokens]`: an attention mask over
 * sequences of `tokens` tokens, one for all `rows` sequences or one per sequence.
 *
 * @param where who checks (starts the message), e.g. `TransformerEncoder.encode`
 * @param hint how to fix it, appended to the message
 */
export function checkAttentionMask(mask: tf.Tensor, rows: number, tokens: number, where: string, hint = ''): void {
  const shape = mask.shape;
  const square = shape.length >= 2 && shape[shape.length - 1] === tokens && shape[shape.length - 2] === tokens;
  const ok = square && (shape.length === 2 || (shape.length === 3 && shape[0] === rows));
  if (!ok) {
    throw new Error(
      `${where}: the attention mask must be [${tokens}, ${tokens}] or [${rows}, ${tokens}, ${tokens}] ` +
        `(1 where a query token may attend to a key token), got [${shape.join(', ')}].${hint ? ` ${hint}` : ''}`,
    );
  }
}
