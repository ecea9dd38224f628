export { COLLAPSE_DEFAULTS, effectiveRankOf, measureCollapse } from './collapse.js';
export type { CollapseConfig, CollapseReport } from './collapse.js';
export type { ProtocolConfig } from './evaluation-protocol.js';
export { FeatureStandardizer } from './feature-standardizer.js';
export { fullProbe } from './full-probe.js';
export type { FullProbeResult } from './full-probe.js';
export { checkLabelledFeatures, inferNumClasses, selectRows } from './labelled-features.js';
export type { LabelledFeatures } from './labelled-features.js';
export { minimizeLbfgs } from './lbfgs.js';
export type { LbfgsConfig, LbfgsResult, LbfgsStopReason, Objective } from './lbfgs.js';
export { LINEAR_PROBE_DEFAULTS, LinearProbe, linearProbeTrainer, trainLinearProbe } from './linear-probe.js';
export type { L2Candidate, LinearProbeConfig, LinearProbeTraining } from './linear-probe.js';
export { LOW_SHOT_DEFAULTS, lowShotProbe } from './low-shot.js';
export type { LowShotConfig, LowShotResult } from './low-shot.js';
export { accuracyOf } from './probe.js';
export type { Probe, ProbeTrainer, ProbeTrainingContext } from './probe.js';
export { symmetricEigenvalues } from './symmetric-eigenvalues.js';
export {
  ATTENTIVE_PROBE_DEFAULTS,
  AttentiveClassifier,
  AttentiveProbe,
  attentiveProbeTrainer,
  trainAttentiveProbe,
} from './attentive-probe.js';
export type { AttentiveClassifierOptions, AttentiveProbeConfig, AttentiveProbeTraining } from './attentive-probe.js';
