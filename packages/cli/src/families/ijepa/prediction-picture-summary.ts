/** What drawing the picture of predictions measured (`drawPredictions`; recorded in report.json). */
export interface PredictionPictureSummary {
  /** The PNG written (absolute path; report.json records it relative to the run folder). */
  readonly file: string;
  readonly rows: number;
  readonly decoderSteps: number;
  /** The decoder's MSE on its training patches, in normalised pixel units, and the mean patch's. */
  readonly decoderMse: number;
  readonly meanPatchMse: number;
  /** Decoder training plus drawing. */
  readonly seconds: number;
}
