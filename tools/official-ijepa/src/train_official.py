#!/usr/bin/env python3
"""Trains the MNIST recipe's I-JEPA part with the official PyTorch code and writes frozen features.

Usage: /usr/bin/python3 train_official.py --ijepa <checkout of facebookresearch/ijepa> --data <export folder>
                                          [--threads 2] [--log-every 50]

Reads the folder written by export-data.mjs (manifest.json with the recipe, raw float32 images),
builds the official modules from the user's checkout (imported at run time, nothing copied):
  src/models/vision_transformer.py  VisionTransformer (sized by the recipe, in_chans from it) and vit_predictor,
  src/helper.py                     built and initialised by init_model (Linear weights std 0.02)
  src/masks/multiblock.py           MaskCollator (the recipe's mask settings)
  src/masks/utils.py, src/utils/tensors.py  apply_masks, repeat_interleave_batch, trunc_normal_
  src/helper.py                     init_opt: AdamW param groups (no weight decay on biases and 1-D
                                    parameters), WarmupCosineSchedule and CosineWDSchedule
and runs the training step of src/train.py (which cannot be imported: it needs yaml, torchvision
and torch.distributed at import): target = layer_norm(target_encoder(images)) at the target
blocks, prediction = predictor(encoder(images, context), context, targets), smooth-L1, AdamW step,
EMA of the target encoder with momentum linear from ema[0] to ema[1]. After init_model (the patch
convolution keeps VisionTransformer's std-0.02 init), the recipe's patchEmbedInitStd, when
present, re-draws the patch projection.

Writes to the same folder: official-trained-{train,held-out}.f32 and official-random-{train,held-out}.f32
([count, D] float32: the target encoder's tokens averaged over the grid, after its final norm, as
the paper's protocol and our extractFeatures), and result.json (timings, versions, threads, which
recipe fields were not reproduced).
"""
import argparse
import copy
import json
import math
import os
import statistics
import sys
import time
from functools import partial

from official_step import loaded_blas, official_ijepa_step


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--ijepa', required=True, help='path to a checkout of facebookresearch/ijepa')
    parser.add_argument('--data', required=True, help='folder written by export-data.mjs')
    parser.add_argument('--threads', type=int, default=2, help='torch.set_num_threads (default 2)')
    parser.add_argument('--log-every', type=int, default=50, help='print the loss every N steps (default 50)')
    return parser.parse_args()


# Recipe fields this script reproduces; anything else in the recipe is listed as not reproduced.
KNOWN = {
    'model': {'imageSize', 'patchSize', 'inChannels', 'patchEmbedInitStd', 'encoder', 'predictor'},
    'model.encoder': {'embedDim', 'depth', 'numHeads', 'mlpRatio'},
    'model.predictor': {'embedDim', 'depth', 'numHeads', 'mlpRatio'},
    'masks': {'numContextBlocks', 'numTargetBlocks', 'contextScale', 'targetScale', 'targetAspectRatio',
              'minKeep', 'allowOverlap', 'contextAspectRatio', 'placement', 'triesPerRelaxation'},
    'optimization': {'steps', 'batchSize', 'warmupSteps', 'startLr', 'lr', 'finalLr', 'weightDecay',
                     'finalWeightDecay', 'ema', 'betas', 'clipGradNorm'},
    'augmentation': {'cropScale', 'cropRatio'},
    'normalization': {'mean', 'std'},
    '': {'model', 'masks', 'optimization', 'augmentation', 'normalization', 'seed'},
}


def unreproduced_fields(recipe):
    """Recipe fields the official I-JEPA code has no notion of, or settings it cannot take, with why."""
    notes = []

    def walk(node, path):
        for key, value in node.items():
            full = f'{path}.{key}' if path else key
            if key not in KNOWN.get(path, set()):
                notes.append(f'{full} = {json.dumps(value)}: not part of the official I-JEPA code; ignored')
            elif isinstance(value, dict) and full in KNOWN:
                walk(value, full)

    walk(recipe, '')
    masks = recipe.get('masks', {})
    if masks.get('placement', 'corrected') != 'official':
        notes.append(f"masks.placement = {json.dumps(masks.get('placement', 'corrected (our default)'))}: the official "
                     'MaskCollator draws block corners with randint(0, size - block), which never uses the last row '
                     'and column (on a 4x4 grid a 3x3 context block always sits at the top left); kept as official')
    if list(masks.get('contextAspectRatio', [1.0, 1.0])) != [1.0, 1.0]:
        notes.append(f"masks.contextAspectRatio = {json.dumps(masks['contextAspectRatio'])}: the official collator fixes (1, 1)")
    if masks.get('triesPerRelaxation', 20) != 20:
        notes.append(f"masks.triesPerRelaxation = {masks['triesPerRelaxation']}: the official collator uses 20")
    clip = recipe.get('optimization', {}).get('clipGradNorm')
    if clip is not None:
        notes.append(f'optimization.clipGradNorm = {clip}: the official I-JEPA trainer does not clip gradients; not applied')
    return notes


def main():
    args = parse_args()
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    ijepa = os.path.abspath(args.ijepa)
    if not os.path.isfile(os.path.join(ijepa, 'src', 'models', 'vision_transformer.py')):
        sys.exit(f'--ijepa {ijepa}: no src/models/vision_transformer.py there. '
                 'Fix: git clone https://github.com/facebookresearch/ijepa and pass that folder.')
    sys.path.insert(0, ijepa)
    import src.models.vision_transformer as vision_transformer
    from src.models.vision_transformer import VisionTransformer
    from src.masks.multiblock import MaskCollator
    from src.utils.tensors import trunc_normal_
    from src.helper import init_model, init_opt

    with open(os.path.join(args.data, 'manifest.json')) as f:
        manifest = json.load(f)
    if manifest.get('format') != 'jepa-official-ijepa-export' or manifest.get('version') != 1:
        sys.exit(f"{args.data}/manifest.json: not an export of export-data.mjs v1 (format {manifest.get('format')!r}).")
    recipe = manifest['recipe']
    model_cfg, mask_cfg, opt, aug = recipe['model'], recipe['masks'], recipe['optimization'], recipe['augmentation']
    seed = int(recipe.get('seed', 0))

    def load_set(key):
        s = manifest['sets'][key]
        images = np.fromfile(os.path.join(args.data, s['images']), dtype='<f4')
        images = images.reshape(s['count'], s['height'], s['width'], s['channels'])
        # channels-last (our layout) -> NCHW (PyTorch's)
        return torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2)))

    train_images = load_set('train')
    held_out_images = load_set('heldOut')
    n_train, channels, height, width = train_images.shape
    image_size = int(model_cfg['imageSize'])
    if height != image_size or width != image_size or channels != int(model_cfg.get('inChannels', 3)):
        sys.exit(f'images are {channels}x{height}x{width} but the recipe wants {model_cfg.get("inChannels", 3)}x{image_size}x{image_size}.')

    not_reproduced = unreproduced_fields(recipe)
    print('recipe fields NOT reproduced by the official code:' if not_reproduced else 'every recipe field is reproduced.')
    for note in not_reproduced:
        print(f'  - {note}')

    # -- seeds as src/train.py sets them
    np.random.seed(seed)
    torch.manual_seed(seed)

    # -- model: helper.init_model, which src/train.py calls: it builds the encoder by name from
    #    src/models/vision_transformer.py, the predictor with vit_predictor (the encoder's heads),
    #    and re-draws every Linear with std 0.02 (no residual rescale). No official preset has the
    #    recipe's sizes, so one is registered under a new name, built as the vit_* presets are
    #    (mlp_ratio 4 unless the recipe says otherwise, qkv_bias, LayerNorm eps 1e-6).
    enc = model_cfg['encoder']
    pred = model_cfg.get('predictor', {})

    def recipe_encoder(img_size, patch_size):
        return VisionTransformer(
            img_size=img_size, patch_size=patch_size, in_chans=channels,
            embed_dim=int(enc['embedDim']), depth=int(enc['depth']), num_heads=int(enc['numHeads']),
            mlp_ratio=float(enc.get('mlpRatio', 4)), qkv_bias=True, norm_layer=partial(nn.LayerNorm, eps=1e-6))
    vision_transformer.__dict__['recipe_encoder'] = recipe_encoder
    encoder, predictor = init_model(
        device=torch.device('cpu'), patch_size=int(model_cfg['patchSize']), model_name='recipe_encoder',
        crop_size=image_size, pred_depth=int(pred.get('depth', 12)), pred_emb_dim=int(pred.get('embedDim', 384)))
    for key, official, why in (('numHeads', encoder.num_heads, "init_model gives the predictor the encoder's heads"),
                               ('mlpRatio', 4, 'vit_predictor fixes 4')):
        if key in pred and pred[key] != official:
            not_reproduced.append(f'model.predictor.{key} = {pred[key]}: {why} ({official})')
            print(f'  - {not_reproduced[-1]}')

    patch_std = model_cfg.get('patchEmbedInitStd')
    if patch_std is not None:
        # not official: our recipe's fan-in init of the patch projection (official: std 0.02)
        trunc_normal_(encoder.patch_embed.proj.weight, std=float(patch_std))
        nn.init.constant_(encoder.patch_embed.proj.bias, 0)
        print(f'patch projection re-drawn with std {patch_std:.4g} (recipe model.patchEmbedInitStd; official 0.02)')
    target_encoder = copy.deepcopy(encoder)
    for p in target_encoder.parameters():
        p.requires_grad = False
    random_encoder = copy.deepcopy(encoder)  # the untrained twin, probed as the random-weight baseline

    # -- masks: the official collator. Its _sample_block_mask returns nonzero(...).squeeze(), a 0-d
    #    tensor when a block keeps one token (possible with min_keep 0 on a small grid), on which
    #    __call__'s len() fails; this subclass only reshapes that index to 1-D and samples the same.
    class OneDimMaskCollator(MaskCollator):
        def _sample_block_mask(self, b_size, acceptable_regions=None):
            mask, mask_complement = super()._sample_block_mask(b_size, acceptable_regions=acceptable_regions)
            return mask.reshape(-1), mask_complement

    # The collator logs a warning each time it relaxes the context's constraints (official
    # behaviour, frequent on a 4x4 grid); count them instead of printing hundreds of lines.
    import logging
    relaxations = [0]

    def count_relaxations(record):
        if 'Valid mask not found' in record.getMessage():
            relaxations[0] += 1
            return False
        return True
    logging.getLogger().addFilter(count_relaxations)

    mask_collator = OneDimMaskCollator(
        input_size=image_size, patch_size=int(model_cfg['patchSize']),
        enc_mask_scale=tuple(mask_cfg.get('contextScale', [0.85, 1.0])),
        pred_mask_scale=tuple(mask_cfg.get('targetScale', [0.15, 0.2])),
        aspect_ratio=tuple(mask_cfg.get('targetAspectRatio', [0.75, 1.5])),
        nenc=int(mask_cfg.get('numContextBlocks', 1)), npred=int(mask_cfg.get('numTargetBlocks', 4)),
        min_keep=int(mask_cfg.get('minKeep', 4)), allow_overlap=bool(mask_cfg.get('allowOverlap', False)))

    # -- optimizer and schedules: the official init_opt, one "epoch" of `steps` iterations,
    #    ipe_scale 1 (our schedules end with the run)
    steps, batch_size, warmup_steps = int(opt['steps']), int(opt['batchSize']), int(opt['warmupSteps'])
    optimizer, _scaler, scheduler, wd_scheduler = init_opt(
        encoder=encoder, predictor=predictor, iterations_per_epoch=steps,
        start_lr=float(opt['startLr']), ref_lr=float(opt['lr']), final_lr=float(opt['finalLr']),
        warmup=(warmup_steps + 0.5) / steps, num_epochs=1,
        wd=float(opt['weightDecay']), final_wd=float(opt['finalWeightDecay']),
        use_bfloat16=False, ipe_scale=1.0)
    assert scheduler.warmup_steps == warmup_steps, (scheduler.warmup_steps, warmup_steps)
    betas = tuple(opt.get('betas', [0.9, 0.999]))
    for group in optimizer.param_groups:
        group['betas'] = betas
    ema = opt['ema']
    # src/train.py's momentum schedule: linear over ipe * num_epochs * ipe_scale updates
    momentum_scheduler = (ema[0] + i * (ema[1] - ema[0]) / steps for i in range(steps + 1))

    # -- data: RandomResizedCrop (torchvision's when installed, else the same algorithm), normalise
    mean = torch.tensor(recipe['normalization']['mean'], dtype=torch.float32).view(1, -1, 1, 1)
    std = torch.tensor(recipe['normalization']['std'], dtype=torch.float32).view(1, -1, 1, 1)
    crop_scale = aug.get('cropScale')
    crop_ratio = tuple(aug.get('cropRatio') or (3.0 / 4.0, 4.0 / 3.0))
    crop_impl = 'none (augmentation.cropScale is null)'
    crop = None
    if crop_scale is not None:
        try:
            from torchvision.transforms import RandomResizedCrop
            tv_crop = RandomResizedCrop(image_size, scale=tuple(crop_scale), ratio=crop_ratio, antialias=True)
            crop = tv_crop
            crop_impl = 'torchvision RandomResizedCrop (bilinear, antialias)'
        except Exception:
            log_ratio = (math.log(crop_ratio[0]), math.log(crop_ratio[1]))

            def crop(image):
                # torchvision's RandomResizedCrop.get_params + resized_crop on tensors
                _, h_in, w_in = image.shape
                area = h_in * w_in
                box = None
                for _ in range(10):
                    target_area = area * torch.empty(1).uniform_(crop_scale[0], crop_scale[1]).item()
                    aspect = math.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1]).item())
                    w = int(round(math.sqrt(target_area * aspect)))
                    h = int(round(math.sqrt(target_area / aspect)))
                    if 0 < w <= w_in and 0 < h <= h_in:
                        top = torch.randint(0, h_in - h + 1, size=(1,)).item()
                        left = torch.randint(0, w_in - w + 1, size=(1,)).item()
                        box = (top, left, h, w)
                        break
                if box is None:
                    ratio_in = w_in / h_in
                    if ratio_in < crop_ratio[0]:
                        w, h = w_in, int(round(w_in / crop_ratio[0]))
                    elif ratio_in > crop_ratio[1]:
                        h, w = h_in, int(round(h_in * crop_ratio[1]))
                    else:
                        w, h = w_in, h_in
                    box = ((h_in - h) // 2, (w_in - w) // 2, h, w)
                top, left, h, w = box
                patch = image[:, top:top + h, left:left + w].unsqueeze(0)
                return F.interpolate(patch, size=(image_size, image_size), mode='bilinear',
                                     align_corners=False, antialias=True).squeeze(0)
            crop_impl = 'torchvision RandomResizedCrop algorithm re-implemented (torchvision not installed), bilinear antialias'
    print(f'BLAS loaded: {", ".join(loaded_blas() or ["unknown"])}')
    print(f'augmentation: {crop_impl}; normalisation mean {recipe["normalization"]["mean"]} std {recipe["normalization"]["std"]}')

    def sample(images):
        out = torch.stack([crop(img) for img in images]) if crop is not None else images.clone()
        return (out - mean) / std

    # -- the training step of src/train.py (single process: no DDP, AllReduce is the identity)
    def train_step(imgs, masks_enc, masks_pred):
        new_lr = scheduler.step()
        new_wd = wd_scheduler.step()
        m = next(momentum_scheduler)
        loss = official_ijepa_step(encoder, predictor, target_encoder, optimizer, imgs, masks_enc, masks_pred, m)
        return float(loss), new_lr, new_wd

    def features(model, images):
        model.eval()
        out = []
        with torch.no_grad():
            for start in range(0, len(images), 500):
                x = (images[start:start + 500] - mean) / std
                out.append(model(x).mean(dim=1))
        model.train()
        return torch.cat(out).numpy().astype('<f4')

    def write_features(name, model):
        files = {}
        for key, images, stem in (('train', train_images, 'train'), ('heldOut', held_out_images, 'held-out')):
            file = f'official-{name}-{stem}.f32'
            features(model, images).tofile(os.path.join(args.data, file))
            files[key] = file
        return files

    started = time.perf_counter()
    random_files = write_features('random', random_encoder)
    print(f'random-weight features written ({time.perf_counter() - started:.1f} s)')

    steps_per_epoch = n_train // batch_size  # DataLoader(drop_last=True)
    step_seconds, data_seconds, losses, context_tokens, target_tokens = [], [], [], [], []
    print(f'training {steps} steps of {batch_size} images ({steps_per_epoch} per epoch), torch {torch.__version__}, '
          f'{torch.get_num_threads()} threads')
    train_started = time.perf_counter()
    order = None
    for step in range(steps):
        epoch, index = divmod(step, steps_per_epoch)
        if index == 0:
            # DistributedSampler(shuffle=True): randperm seeded with seed + epoch
            g = torch.Generator()
            g.manual_seed(seed + epoch)
            order = torch.randperm(n_train, generator=g)
        t0 = time.perf_counter()
        batch = sample(train_images[order[index * batch_size:(index + 1) * batch_size]])
        imgs, masks_enc, masks_pred = mask_collator(list(batch))
        t1 = time.perf_counter()
        loss, lr, wd = train_step(imgs, masks_enc, masks_pred)
        t2 = time.perf_counter()
        data_seconds.append(t1 - t0)
        step_seconds.append(t2 - t1)
        losses.append(loss)
        context_tokens.append(masks_enc[0].shape[1])
        target_tokens.append(masks_pred[0].shape[1])
        if not math.isfinite(loss):
            sys.exit(f'step {step + 1}: loss is {loss}')
        if (step + 1) % args.log_every == 0 or step + 1 == steps:
            recent = losses[-args.log_every:]
            print(f'[{step + 1:5d}/{steps}] loss {sum(recent) / len(recent):.4f} masks {context_tokens[-1]} ctx '
                  f'{target_tokens[-1]} tgt ({relaxations[0]} relaxed) [lr {lr:.2e}] [wd {wd:.2e}] '
                  f'({1000 * statistics.mean(step_seconds[-args.log_every:]):.0f} ms/step + '
                  f'{1000 * statistics.mean(data_seconds[-args.log_every:]):.0f} ms data)', flush=True)
    wall = time.perf_counter() - train_started

    trained_files = write_features('trained', target_encoder)
    tail = losses[-max(1, steps // 10):]
    blas = loaded_blas() or None
    result = {
        'steps': steps,
        'batchSize': batch_size,
        'secondsPerStep': statistics.mean(step_seconds),
        'secondsPerStepMedian': statistics.median(step_seconds),
        'dataSecondsPerStep': statistics.mean(data_seconds),
        'wallSeconds': wall,
        'finalLoss': statistics.mean(tail),
        'meanContextTokens': statistics.mean(context_tokens),
        'meanTargetTokens': statistics.mean(target_tokens),
        'maskRelaxations': relaxations[0],
        'dim': encoder.embed_dim,
        'features': {'trained': trained_files, 'random': random_files},
        'torch': torch.__version__,
        'python': sys.version.split()[0],
        'threads': torch.get_num_threads(),
        'interopThreads': torch.get_num_interop_threads(),
        'env': {k: os.environ.get(k) for k in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'OMP_PROC_BIND', 'OMP_PLACES')},
        'parallel': next((line.strip() for line in torch.__config__.parallel_info().splitlines() if 'parallel backend' in line), None),
        'blas': blas,
        'augmentation': crop_impl,
        'masks': 'official MaskCollator; 1-token block indices reshaped to 1-D (the official squeeze() makes them 0-d and its len() fails)',
        'notReproduced': not_reproduced,
        'ijepaCommit': git_commit(ijepa),
    }
    with open(os.path.join(args.data, 'result.json'), 'w') as f:
        json.dump(result, f, indent=2)
    print(f'done: {steps} steps in {wall:.1f} s, {result["secondsPerStep"]:.3f} s/step (train step) + '
          f'{result["dataSecondsPerStep"]:.3f} s data, final loss {result["finalLoss"]:.4f}')


def git_commit(path):
    head = os.path.join(path, '.git', 'HEAD')
    try:
        with open(head) as f:
            ref = f.read().strip()
        if ref.startswith('ref: '):
            with open(os.path.join(path, '.git', ref[5:])) as f:
                return f.read().strip()
        return ref
    except OSError:
        return None


if __name__ == '__main__':
    main()
