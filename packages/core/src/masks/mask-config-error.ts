/**
 * Thrown by the mask samplers' constructors (and their config checks) when a mask configuration
 * cannot work on its token grid: a bad range, a block that keeps too few tokens, a context that is
 * always empty. The message names the config key and how to fix it; callers that know where the
 * grid came from (e.g. image size / patch size) can add that, by type rather than by message.
 */
export class InvalidMaskConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMaskConfigError';
  }
}
