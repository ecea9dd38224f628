export { PatchDecoder, targetTokens, trainPatchDecoder, type TrainedPatchDecoder, type TrainPatchDecoderOptions } from './patch-decoder.js';
export {
  PREDICTION_FIGURE_CAPTION,
  PREDICTION_FIGURE_COLUMNS,
  predictionFigure,
  TARGET_BLOCK_COLOURS,
  type Picture,
  type PredictionFigure,
  type PredictionFigureOptions,
} from './prediction-figure.js';
