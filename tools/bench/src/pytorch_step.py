#!/usr/bin/env python3
"""The bench's I-JEPA training step and embed pass with the official PyTorch code.

Builds the official modules of a facebookresearch/ijepa checkout given by --ijepa (never
committed here) with the sizes bench.mjs passes as JSON, and times, on random images:
  - one training step as the official src/train.py does it: target encoder forward without
    gradients, layer norm, apply_masks / repeat_interleave_batch, context encoder + predictor,
    smooth-L1, backward, AdamW (weight decay off for biases and 1-D parameters), EMA update;
    masks from the official MaskCollator;
  - the target encoder's forward pass on a batch (what `jepa embed` does), in images/s.
Prints one JSON object: median/min/max step seconds, embed images/s, peak RSS, torch version,
threads and the OpenMP wait policy it ran under.
"""
import argparse
import copy
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'official-ijepa', 'src'))
from official_step import loaded_blas, official_ijepa_step  # noqa: E402  (the step of src/train.py, shared with tools/official-ijepa)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--ijepa', required=True, help='path to a facebookresearch/ijepa checkout')
    parser.add_argument('--config', required=True, help='JSON: imageSize, patchSize, inChannels, batchSize, encoder, predictor')
    parser.add_argument('--steps', type=int, default=8)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--embed-batch', type=int, default=64)
    args = parser.parse_args()

    sys.path.insert(0, os.path.abspath(args.ijepa))
    import torch
    from src.masks.multiblock import MaskCollator
    from src.models.vision_transformer import VisionTransformer, vit_predictor

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    config = json.loads(args.config)
    size, patch, channels, batch = config['imageSize'], config['patchSize'], config['inChannels'], config['batchSize']
    enc, pred = config['encoder'], config['predictor']

    encoder = VisionTransformer(img_size=[size], patch_size=patch, in_chans=channels, embed_dim=enc['embedDim'],
                                depth=enc['depth'], num_heads=enc['numHeads'])
    predictor = vit_predictor(num_patches=encoder.patch_embed.num_patches, embed_dim=enc['embedDim'],
                              predictor_embed_dim=pred['embedDim'], depth=pred['depth'], num_heads=pred['numHeads'])
    target_encoder = copy.deepcopy(encoder)
    for p in target_encoder.parameters():
        p.requires_grad = False

    def groups(modules):
        decay, no_decay = [], []
        for module in modules:
            for name, p in module.named_parameters():
                (no_decay if ('bias' in name or p.ndim == 1) else decay).append(p)
        return [{'params': decay}, {'params': no_decay, 'weight_decay': 0}]

    optimizer = torch.optim.AdamW(groups([encoder, predictor]), lr=1e-3, weight_decay=0.04)
    collator = MaskCollator(input_size=(size, size), patch_size=patch, pred_mask_scale=(0.15, 0.2), enc_mask_scale=(0.85, 1.0),
                            aspect_ratio=(0.75, 1.5), nenc=1, npred=4, min_keep=4, allow_overlap=False)
    momentum = 0.996

    def step():
        images = torch.rand(batch, channels, size, size)
        _, masks_enc, masks_pred = collator([torch.zeros(1) for _ in range(batch)])
        started = time.perf_counter()
        official_ijepa_step(encoder, predictor, target_encoder, optimizer, images, masks_enc, masks_pred, momentum)
        return time.perf_counter() - started

    times = [step() for _ in range(args.warmup + args.steps)][args.warmup:]
    times.sort()

    embed_images = torch.rand(args.embed_batch, channels, size, size)
    embed_times = []
    with torch.no_grad():
        for i in range(args.warmup + args.steps):
            started = time.perf_counter()
            target_encoder(embed_images)
            if i >= args.warmup:
                embed_times.append(time.perf_counter() - started)
    embed_times.sort()
    embed_median = embed_times[len(embed_times) // 2]

    print(json.dumps({
        'blas': loaded_blas(),
        'medianStepSeconds': round(times[len(times) // 2], 4),
        'minStepSeconds': round(times[0], 4),
        'maxStepSeconds': round(times[-1], 4),
        'imagesPerSecond': round(batch / times[len(times) // 2], 2),
        'embedImagesPerSecond': round(args.embed_batch / embed_median, 1),
        'embedBatch': args.embed_batch,
        'peakRssMiB': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'ompWaitPolicy': os.environ.get('OMP_WAIT_POLICY', '(unset)'),
        'steps': args.steps,
    }))


if __name__ == '__main__':
    main()
