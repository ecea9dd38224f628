"""The I-JEPA training step of the official src/train.py, restated once for our tools.

src/train.py cannot be imported (it needs yaml, torchvision and a distributed setup), so this
module restates its step (single process: AllReduce is the identity) over the official modules of
a facebookresearch/ijepa checkout that is already on sys.path. Used by train_official.py and by
tools/bench/src/pytorch_step.py.
"""
import os


def official_ijepa_step(encoder, predictor, target_encoder, optimizer, imgs, masks_enc, masks_pred, momentum):
    """One update: targets from the target encoder without gradients, layer-normed, picked by the
    target masks and repeated per context mask; context encoder + predictor; smooth-L1; backward;
    optimizer step; EMA of the encoder into the target encoder with `momentum`. Returns the loss."""
    import torch
    import torch.nn.functional as F
    from src.masks.utils import apply_masks
    from src.utils.tensors import repeat_interleave_batch

    with torch.no_grad():
        h = target_encoder(imgs)
        h = F.layer_norm(h, (h.size(-1),))
        h = apply_masks(h, masks_pred)
        h = repeat_interleave_batch(h, len(imgs), repeat=len(masks_enc))
    z = encoder(imgs, masks_enc)
    z = predictor(z, masks_enc, masks_pred)
    loss = F.smooth_l1_loss(z, h)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    with torch.no_grad():
        for param_q, param_k in zip(encoder.parameters(), target_encoder.parameters()):
            param_k.data.mul_(momentum).add_((1. - momentum) * param_q.detach().data)
    return loss


def loaded_blas():
    """The BLAS libraries mapped into this process (Debian's torch uses whichever libblas.so.3 is selected)."""
    try:
        with open('/proc/self/maps') as maps:
            paths = {line.split()[-1] for line in maps if 'blas' in line.lower() and '/' in line}
        return sorted(os.path.realpath(p) for p in paths)
    except OSError:
        return []
