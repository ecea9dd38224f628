/**
 * Why a video could not be read:
 * - `missing`: no such file;
 * - `corrupt`: ffmpeg cannot parse it (not a video, damaged);
 * - `truncated`: the file ends early (an mp4 without its `moov` index, or fewer frames than probed);
 * - `unsupported`: no video stream, or a codec/format this ffmpeg cannot decode;
 * - `aborted`: the caller's AbortSignal fired (the ffmpeg process was killed);
 * - `failed`: anything else (ffmpeg's stderr says more).
 */
export type VideoDecodeFailure = 'missing' | 'corrupt' | 'truncated' | 'unsupported' | 'aborted' | 'failed';

const ADVICE: Record<VideoDecodeFailure, string> = {
  missing: 'Fix: check the path (index files resolve relative paths against their own folder).',
  corrupt: 'Fix: re-encode or remove the file (e.g. `ffmpeg -i in -c:v libx264 -pix_fmt yuv420p out.mp4`), or skip such files with skipCorrupt: true.',
  truncated: 'Fix: re-download or re-encode the file, or skip such files with skipCorrupt: true.',
  unsupported: 'Fix: re-encode the file to H.264 (`ffmpeg -i in -c:v libx264 -pix_fmt yuv420p out.mp4`), use an ffmpeg build with this codec (FFMPEG_PATH), or skip such files with skipCorrupt: true.',
  aborted: 'The caller aborted the decode; nothing to fix.',
  failed: 'Fix: see ffmpeg\'s message above; skip such files with skipCorrupt: true.',
};

/** A video could not be probed or decoded. The message names the file, the failure and ffmpeg's stderr tail. */
export class VideoDecodeError extends Error {
  constructor(
    /** The video file. */
    readonly path: string,
    /** What kind of failure it was (missing, corrupt, truncated, unsupported, aborted, failed). */
    readonly failure: VideoDecodeFailure,
    /** What went wrong, in words. */
    readonly detail: string,
    /** The last lines ffmpeg wrote to stderr ('' when it never ran). */
    readonly stderrTail = '',
    options?: { cause?: unknown },
  ) {
    super(
      `${path}: ${failure === 'failed' ? 'cannot decode' : failure}: ${detail}` +
        (stderrTail ? `\nffmpeg stderr (last lines):\n${stderrTail}` : '') +
        `\n${ADVICE[failure]}`,
      options,
    );
    this.name = 'VideoDecodeError';
  }
}

/** The failure that ffmpeg's stderr points at, or undefined when it says nothing recognisable. */
export function classifyFfmpegStderr(stderr: string): VideoDecodeFailure | undefined {
  if (/No such file or directory/i.test(stderr)) return 'missing';
  // A guessed container (random bytes named .mp4) is corrupt, not truncated, whatever follows.
  if (/detected only with low score|misdetection possible/i.test(stderr)) return 'corrupt';
  if (/moov atom not found|End of file|Truncat|partial file|premature/i.test(stderr)) return 'truncated';
  if (/matches no streams|does not contain any stream|Decoder \(codec [^)]*\) not found|Unsupported codec|unknown codec|Could not find codec parameters|no decoder/i.test(stderr)) {
    return 'unsupported';
  }
  if (/Invalid data found|could not find sync|error reading header|Invalid NAL|corrupt/i.test(stderr)) return 'corrupt';
  return undefined;
}
