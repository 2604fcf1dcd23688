"""Train a Color Wizard pack, one stage at a time, time-boxed and resumable.

  /usr/bin/python3 training/train.py --config interim --stage vqvae  --seconds 1200 --run training/runs/interim
  /usr/bin/python3 training/train.py --config interim --stage prior  --seconds 900  --run training/runs/interim
  /usr/bin/python3 training/train.py --config interim --stage guider --seconds 1200 --run training/runs/interim

Stages: vqvae (color encoder + codebook + lightness-aware decoder) -> prior (text encoder + latent UNet,
v-prediction, cosine schedule) -> guider (guider + gray encoder against the frozen prior).
`<run>/ckpt.pt` is self-describing: config, stage, steps, live and EMA weights, optimizer, RNG states,
tokenizer vocabulary, git SHA and the data manifest's sha256. Running a stage again resumes it; running
the next stage starts from the EMA weights of the earlier ones. Losses go to `<run>/log.jsonl`, sample
sheets (gray | samples | VQ reconstruction | ground truth) to `<run>/samples/`.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import sys
import time
from typing import Dict, List

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config import Config, get_config  # noqa: E402
from data import PhotoSet, manifest_sha256, random_hints, resize, to_model_lab  # noqa: E402
from diffusion import Schedule  # noqa: E402
from checkpoint import git_sha, torch_load  # noqa: E402
from model import ColorWizard, cell_chroma, count_params  # noqa: E402
from semantic import read_semantic_state, same_semantic_state  # noqa: E402
from tokenizer import WordTokenizer  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))



STAGES = ("vqvae", "prior", "guider")


def trainable(model: ColorWizard, stage: str) -> List[torch.nn.Module]:
    guider = [model.guider, model.gray] + ([model.prior] if model.cfg.guider_trains_prior else [])
    return {"vqvae": [model.vqvae.encoder, model.vqvae.decoder],
            "prior": [model.text, model.prior],
            "guider": guider}[stage]


def set_stage(model: ColorWizard, stage: str) -> List[torch.nn.Parameter]:
    for p in model.parameters():
        p.requires_grad_(False)
    params = []
    for m in trainable(model, stage):
        for p in m.parameters():
            p.requires_grad_(True)
            params.append(p)
    return params


class EMA:
    """Exponential moving average of every floating tensor of the model (buffers are copied)."""

    def __init__(self, model: torch.nn.Module, decay: float):
        self.decay = decay
        self.shadow = {k: v.detach().clone().float() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model: torch.nn.Module, names: set) -> None:
        sd = model.state_dict()
        avg = [k for k in sd if k in names and sd[k].is_floating_point()]
        shadow, live = [self.shadow[k] for k in avg], [sd[k].detach().float() for k in avg]
        if hasattr(torch, "_foreach_lerp_"):
            torch._foreach_lerp_(shadow, live, 1 - self.decay)
        else:
            for a, b in zip(shadow, live):
                a.lerp_(b, 1 - self.decay)
        for k, v in sd.items():
            if k not in names:
                self.shadow[k].copy_(v.detach())

    def state_dict(self):
        return self.shadow

    def load_state_dict(self, sd):
        self.shadow = {k: v.clone().float() for k, v in sd.items()}

    def copy_to(self, model: torch.nn.Module) -> None:
        model.load_state_dict({k: v for k, v in self.shadow.items()})


def rng_state() -> dict:
    st = {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}
    if torch.cuda.is_available():
        st["cuda"] = torch.cuda.get_rng_state_all()
    return st


def set_rng_state(st: dict) -> None:
    torch.set_rng_state(st["torch"])
    np.random.set_state(st["numpy"])
    random.setstate(st["python"])
    if "cuda" in st and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(st["cuda"])


class Trainer:
    def __init__(self, args):
        self.args = args
        self.run = args.run
        os.makedirs(os.path.join(self.run, "samples"), exist_ok=True)
        self.device = torch.device("cuda" if torch.cuda.is_available() and not args.cpu else "cpu")
        if self.device.type == "cpu":
            torch.set_num_threads(args.threads)
        else:
            torch.backends.cuda.matmul.allow_tf32 = True
            torch.backends.cudnn.allow_tf32 = True
            torch.backends.cudnn.benchmark = True
        self.ckpt_path = os.path.join(self.run, "ckpt.pt")
        from checkpoint import read_checkpoint
        self.ckpt = torch_load(self.ckpt_path) if os.path.exists(self.ckpt_path) else None
        self.initialized_from = self.ckpt is None and bool(args.init_from)
        if self.initialized_from:  # e.g. slim weights brought back from an earlier device run
            self.ckpt = read_checkpoint(args.init_from)
            self.log(f"initialized from {args.init_from} (steps {self.ckpt['steps']})")
        shards = args.shards
        if self.ckpt is not None:
            cfg = Config.from_dict(self.ckpt["config"])
            self.tok = WordTokenizer(self.ckpt["tokenizer"], cfg.text.max_length)
        else:
            cfg = get_config(args.config)
            self.tok = WordTokenizer.load(os.path.join(shards, "tokenizer.json"), cfg.text.max_length)
            cfg = cfg.replace(text=type(cfg.text)(**{**cfg.text.__dict__, "vocab_size": self.tok.size}))
        if args.fresh_vq and self.ckpt is not None and not self.ckpt["config"]["vq"].get("ab_skip"):
            cfg = self._fresh_vq(cfg, args.fresh_vq)
        if args.widen_semantic and self.ckpt is not None:
            cfg = self._widen_semantic(cfg, args.features)
        # Recipe overrides for continued stages (the saved config records what was used).
        overrides = {"batch": args.batch or None, "lr": args.lr, "text_drop": args.text_drop, "ema": args.ema,
                     "vq_image_sizes": tuple(args.vq_sizes) if args.vq_sizes else None}
        overrides = {k: v for k, v in overrides.items() if v is not None}
        if overrides:
            cfg = cfg.replace(train=type(cfg.train)(**{**cfg.train.__dict__, **overrides}))
        self.cfg = cfg
        self.data_sha = manifest_sha256(shards)
        torch.manual_seed(args.seed)
        np.random.seed(args.seed)
        random.seed(args.seed)
        self.model = ColorWizard(cfg)
        self.history = []
        self.steps: Dict[str, int] = {s: 0 for s in STAGES}
        self.seconds: Dict[str, float] = {s: 0.0 for s in STAGES}
        cache = max(cfg.train.vq_image_sizes)
        cache = max(cache, cfg.working_size)
        self.train_set = PhotoSet(shards, "train", cache, limit=args.limit, log=self.log)
        self.val_set = PhotoSet(shards, "val", cache, limit=max(16, args.limit // 10) if args.limit else 0,
                                log=self.log)
        self.schedule = Schedule(cfg.num_train_timesteps)
        self.semantic_state = self.ckpt.get("semantic_state") if self.ckpt is not None else None
        self.sem_train = self.sem_val = None
        self._draw_p = None  # --balance probabilities over the rows drawn from (_draw)
        if cfg.semantic_channels:
            self._open_semantic(args.features)

    def _fresh_vq(self, cfg: Config, codes: int) -> Config:
        """--fresh-vq: a new chroma-skip VQ-VAE (VQConfig.ab_skip) with `codes` codes, trained from scratch, while
        the text encoder, prior, guider and gray encoder keep the weights they were initialized from (their
        diffusion stages then continue on the new latents, --recalibrate-latent)."""
        cfg = cfg.replace(vq=type(cfg.vq)(**{**cfg.vq.__dict__, "ab_skip": True, "codebook_size": codes}))
        fresh = {k: v for k, v in ColorWizard(cfg).state_dict().items() if k.startswith("vqvae.")}
        for key in ("model", "ema"):
            if key in self.ckpt:
                self.ckpt[key] = {**{k: v for k, v in self.ckpt[key].items() if not k.startswith("vqvae.")}, **fresh}
        self.ckpt.pop("optimizer", None)
        self.ckpt["config"] = cfg.to_dict()
        self.ckpt["steps"] = {**self.ckpt["steps"], "vqvae": 0}
        self.ckpt["seconds"] = {**self.ckpt["seconds"], "vqvae": 0.0}
        self.log(f"fresh VQ-VAE: chroma skip, {codes} codes; other networks from the initial weights")
        return cfg

    def _widen_semantic(self, cfg: Config, folder: str) -> Config:
        """--widen-semantic: the features in `folder` are the initial weights' own semantic features followed by
        more channels (combine_features.py). The guider's semantic input takes the new channels with zero
        weights, so training starts exactly where the initial weights were and learns what the new ones add."""
        state = torch_load(os.path.join(folder, "semantic_state.pt"))
        old = self.ckpt.get("semantic_state")
        c0, c1 = cfg.semantic_channels, state["channels"]
        if old is None or c1 <= c0:
            raise ValueError(f"--widen-semantic: {folder} has {c1} channels, the initial weights read {c0}")
        r0 = old["basis"].shape[1]
        same = (torch.equal(state["basis"][:c0, :r0], old["basis"]) and torch.equal(state["mean"][:, :r0], old["mean"])
                and not state["basis"][:c0, r0:].any())
        if not same:
            raise ValueError(f"--widen-semantic: the first {c0} channels of {folder} are not the initial weights' features")
        key = "guider.semantic_in.0.weight"
        for part in ("model", "ema"):
            if part in self.ckpt:
                w = self.ckpt[part][key]
                self.ckpt[part][key] = torch.cat([w, w.new_zeros(w.shape[0], c1 - c0, *w.shape[2:])], 1)
        self.ckpt.pop("optimizer", None)
        self.ckpt["semantic_state"] = state
        cfg = cfg.replace(semantic_channels=c1)
        self.ckpt["config"] = cfg.to_dict()
        self.log(f"semantic input widened {c0} -> {c1} channels ({state.get('backbone')}), new weights zero")
        return cfg

    def _open_semantic(self, folder: str) -> None:
        """Cached semantic features (cache_semantic.py), row i = photo i of the split."""
        from cache_semantic import open_features
        cfg = self.cfg
        state = read_semantic_state(folder)
        if (state["input_size"], state["channels"]) != (cfg.semantic_input_size, cfg.semantic_channels):
            raise ValueError(f"{folder}: features are {state['channels']} channels at input {state['input_size']}, "
                             f"config wants {cfg.semantic_channels} at {cfg.semantic_input_size}")
        if self.semantic_state is None:
            self.semantic_state = state
        elif not same_semantic_state(self.semantic_state, state):
            # The features' own state is what the guider reads from now on; keeping the old one would export an
            # encoder the guider never saw. Only a fresh run may switch (--init-from); a run resuming its own
            # checkpoint with other features is a mistake.
            old, new = (st.get("backbone", "centernet") for st in (self.semantic_state, state))
            if not self.initialized_from:
                raise ValueError(f"{folder}: features of {new} differ from the {old} features {self.run} was "
                                 f"trained on; use a new --run with --init-from")
            self.log(f"semantic input switched from {old} to {new} features ({folder}): the guider re-learns "
                     f"what its semantic channels mean")
            self.semantic_state = state
        grid = cfg.semantic_input_size // 16
        self._sem_done_path = os.path.join(folder, f"train-{len(self.train_set)}.done")
        if not os.path.exists(self._sem_done_path):
            if self.args.stage in ("vqvae", "prior"):  # these stages never read the features
                return
            raise FileNotFoundError(f"no semantic features of the training photos in {folder}; "
                                    f"run training/cache_semantic.py")
        self.sem_train = open_features(folder, "train", len(self.train_set), cfg.semantic_channels, grid)
        self._sem_rows, self._sem_checked = 0, 0.0

    def semantic_rows(self) -> int:
        """Rows of the feature cache written so far: training may start while cache_semantic.py still runs."""
        now = time.time()
        if self._sem_rows < len(self.train_set) and now - self._sem_checked > 30:
            rows = int(open(self._sem_done_path).read())
            if rows != self._sem_rows:
                self.log(f"semantic features: {rows} of {len(self.train_set)} training photos cached")
            self._sem_rows, self._sem_checked = rows, now
        return self._sem_rows

    # ---- logging -----------------------------------------------------------------------------------
    def log(self, msg):
        line = f"[{time.strftime('%H:%M:%S')}] {msg}"
        print(line, flush=True)

    def log_json(self, rec: dict):
        with open(os.path.join(self.run, "log.jsonl"), "a") as f:
            f.write(json.dumps(rec) + "\n")

    # ---- checkpoints -----------------------------------------------------------------------------
    def save(self, stage, opt, ema):
        ck = {
            "format": "color-wizard-checkpoint/1",
            "config": self.cfg.to_dict(),
            "stage": stage,
            "steps": self.steps,
            "seconds": self.seconds,
            "history": self.history,
            "model": self.model.state_dict(),
            "ema": ema.state_dict(),
            "optimizer": opt.state_dict(),
            "rng": rng_state(),
            "tokenizer": self.tok.vocab,
            "git_sha": git_sha(),
            "data_manifest_sha256": self.data_sha,
            "data_sources": self.data_sources(),
            "torch": torch.__version__,
            "saved": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        if self.semantic_state is not None:
            ck["semantic_state"] = self.semantic_state
        tmp = self.ckpt_path + ".tmp"
        torch.save(ck, tmp)
        os.replace(tmp, self.ckpt_path)

    def data_sources(self):
        with open(os.path.join(self.args.shards, "manifest.json")) as f:
            m = json.load(f)
        return [{"source": s["source"], "photos": s["train"], "terms": s["terms"]} for s in m["sources"]]

    # ---- one stage ---------------------------------------------------------------------------------
    def train_stage(self, stage: str, seconds: float, max_steps: int = 0):
        cfg, tc, dev = self.cfg, self.cfg.train, self.device
        model = self.model
        resume_same = self.ckpt is not None and self.ckpt["stage"] == stage and "optimizer" in self.ckpt
        ema = EMA(model, tc.ema)
        if self.ckpt is not None:
            self.steps.update(self.ckpt["steps"])
            self.seconds.update(self.ckpt["seconds"])
            self.history = self.ckpt.get("history", [])
            if resume_same:
                model.load_state_dict(self.ckpt["model"])
                ema.load_state_dict(self.ckpt["ema"])
            else:  # a new stage starts from the averaged weights of the earlier ones
                model.load_state_dict(self.ckpt["ema"])
                ema = EMA(model, tc.ema)
        if stage == "guider" and self.steps["guider"] == 0:
            model.guider.init_from_prior(model.prior)
            ema = EMA(model, tc.ema)
        model.to(dev)
        params = set_stage(model, stage)
        names = {n for n, p in model.named_parameters() if p.requires_grad}
        opt = torch.optim.AdamW(params, lr=tc.lr, weight_decay=tc.weight_decay, betas=(0.9, 0.99))
        if resume_same:
            opt.load_state_dict(self.ckpt["optimizer"])
            set_rng_state(self.ckpt["rng"])
        if dev.type == "cuda":
            self.train_set.to(dev)
            self.val_set.to(dev)
        # A VQ-VAE trained further moves its latents' spread: --recalibrate-latent rescales them to unit std again
        # before the diffusion stages continue (they fine-tune to the new latents anyway).
        if (stage == "prior" and self.steps["prior"] == 0) or (self.args.recalibrate_latent and stage != "vqvae"):
            self.calibrate_latent_scale()
            ema.shadow["latent_scale"] = model.latent_scale.detach().clone().float().cpu()
        ema.shadow = {k: v.to(dev) for k, v in ema.shadow.items()}
        n_train = sum(p.numel() for p in params)
        self.log(f"stage {stage}: {n_train:,} trainable parameters, device {dev}, batch {tc.batch}, "
                 f"resume={resume_same}, step {self.steps[stage]}")

        step_fn = {"vqvae": self.step_vqvae, "prior": self.step_prior, "guider": self.step_guider}[stage]
        use_bf16 = dev.type == "cuda" and torch.cuda.is_bf16_supported() and not self.args.no_bf16
        # Compile only the fixed-shape stages (the VQ stage changes its image size every step).
        if self.args.compile and hasattr(torch, "compile") and dev.type == "cuda" and stage != "vqvae":
            for m in trainable(model, stage):
                m.forward = torch.compile(m.forward)
        rng = np.random.RandomState(self.args.seed + self.steps[stage])
        gen = torch.Generator().manual_seed(self.args.seed + self.steps[stage])
        t_start = time.time()
        t_last_ckpt = t_last_sample = t_last_log = t_start
        images, losses = 0, []
        warmup = 100
        base_lr = tc.lr
        sec0, step0 = self.seconds[stage], self.steps[stage]
        # A fresh optimizer on trained weights warms up again (its first Adam steps are full-size jolts).
        warm0 = 0 if resume_same else step0
        while time.time() - t_start < seconds and not (max_steps and self.steps[stage] - step0 >= max_steps):
            step = self.steps[stage]
            lr = base_lr * min(1.0, (step + 1 - warm0) / warmup)
            if self.args.anneal:  # cosine to 5 % over this call's budget: the last weights are not a noisy snapshot
                frac = min(1.0, (time.time() - t_start) / seconds) if not max_steps else (step - step0) / max_steps
                lr *= 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac))
            for g in opt.param_groups:
                g["lr"] = lr
            amp = torch.autocast(device_type="cuda", dtype=torch.bfloat16) if use_bf16 else contextlib.nullcontext()
            with amp:
                loss, info = step_fn(rng, gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            gn = torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            ema.update(model, names)
            self.steps[stage] += 1
            images += tc.batch
            losses.append(float(loss))
            now = time.time()
            if now - t_last_log > self.args.log_every or self.steps[stage] == 1:
                el = now - t_start
                rec = {"stage": stage, "step": self.steps[stage], "loss": float(np.mean(losses)), "lr": lr,
                       "grad_norm": float(gn), "images_per_s": images / max(el, 1e-9),
                       "elapsed_s": round(el + sec0, 1), **info}
                if stage == "vqvae":
                    rec.update(model.vqvae.quantizer.stats())
                self.log_json(rec)
                self.log(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in rec.items()))
                losses = []
                t_last_log = now
            if now - t_last_sample > tc.sample_every_s:
                self.sample_sheet(stage, ema)
                t_last_sample = now
            if now - t_last_ckpt > tc.ckpt_every_s:
                self.seconds[stage] = sec0 + now - t_start
                self.save(stage, opt, ema)
                t_last_ckpt = now
        elapsed = time.time() - t_start
        self.seconds[stage] = sec0 + elapsed
        self.history.append({"stage": stage, "steps": self.steps[stage], "seconds": round(elapsed, 1),
                             "images_per_s": round(images / max(elapsed, 1e-9), 2), "device": str(dev),
                             "git_sha": git_sha()})
        self.save(stage, opt, ema)
        self.sample_sheet(stage, ema)
        self.log(f"stage {stage} done: {self.steps[stage]} steps, {elapsed:.0f}s, "
                 f"{images / max(elapsed, 1e-9):.1f} images/s")
        return images / max(elapsed, 1e-9)

    # ---- batches -----------------------------------------------------------------------------------
    def _draw(self, rng, rows: int) -> np.ndarray:
        """A batch of photo indices among the first `rows`; --balance weighs them by source."""
        b = self.cfg.train.batch
        if not self.args.balance:
            return rng.randint(0, rows, b)
        if self._draw_p is None or len(self._draw_p) != rows:  # rows grow while the feature cache is written
            p = self.train_set.source_weights(self.args.balance)[:rows]
            self._draw_p = p / p.sum()
        return rng.choice(rows, b, p=self._draw_p)

    def _batch(self, rng, hw, augment=True):
        idx = self._draw(rng, len(self.train_set))
        rgb = self.train_set.batch(idx, hw, rng, augment=augment, device=self.device)
        return idx, to_model_lab(rgb)

    def step_vqvae(self, rng, gen):
        """Latent from the photo at working size S; decoder at a larger, possibly non-square size."""
        cfg = self.cfg
        S = cfg.working_size
        side = int(rng.choice(cfg.train.vq_image_sizes))
        aspect = rng.uniform(0.75, 1.34)
        H = max(16, int(round(side / math.sqrt(aspect) / 4)) * 4)
        W = max(16, int(round(side * math.sqrt(aspect) / 4)) * 4)
        _, lab = self._batch(rng, (H, W))
        lab_s = resize(lab, (S, S))
        vq = self.model.vqvae
        z = vq.encoder(lab_s)
        q, commit, _ = vq.quantizer(z)
        pred = vq.decode(q, lab[:, :1])
        target = lab[:, 1:]
        l1 = F.l1_loss(pred.float(), target)
        mse = F.mse_loss(pred.float(), target)
        info = {"l1_ab": float(l1) * 110, "commit": float(commit), "H": H, "W": W}
        aux = 0.0
        if cfg.vq.ab_skip:  # keep channels 0-1 the cells' mean chroma (VQConfig.ab_skip)
            aux = F.mse_loss(z[:, :2].float(), cell_chroma(lab_s))
            info["aux"] = float(aux)
        return l1 + mse + commit + aux, info

    def _text(self, idx, rng):
        r = random.Random(int(rng.randint(0, 2 ** 31)))
        prompts = ["" if r.random() < self.cfg.train.text_drop else self.train_set.sample_caption(int(i), r)
                   for i in idx]
        ids, mask = self.tok.encode_batch(prompts)
        return ids.to(self.device), mask.to(self.device)

    def _noised(self, z0, gen):
        b = z0.shape[0]
        t = torch.randint(0, self.schedule.n, (b,), generator=gen)
        # --t-focus: that share of the batch draws t from the upper three quarters, the noise levels where a
        # few-step sampler decides the colors (4 DDIM steps query t >= 249 only); the rest stays uniform.
        k = int(round(self.args.t_focus * b))
        if k:
            t[:k] = torch.randint(self.schedule.n // 4, self.schedule.n, (k,), generator=gen)
        t = t.to(self.device)
        noise = torch.randn(z0.shape, generator=gen).to(self.device)
        return self.schedule.add_noise(z0, noise, t), t, self.schedule.v_target(z0, noise, t)

    def step_prior(self, rng, gen):
        S = self.cfg.working_size
        idx, lab = self._batch(rng, (S, S))
        with torch.no_grad():
            z0 = self.model.vqvae.encode(lab) * self.model.latent_scale
        xt, t, v = self._noised(z0, gen)
        ctx = self.model.text(*self._text(idx, rng))
        pred = self.model.prior(xt, t.float(), ctx)
        loss = F.mse_loss(pred.float(), v)
        return loss, {}

    def _semantic_batch(self, rng):
        """Whole photos (the cached features see the whole square) with a random flip of photo and features."""
        S = self.cfg.working_size
        idx = np.sort(self._draw(rng, self.semantic_rows()))
        rgb = self.train_set.batch(idx, (S, S), rng, augment=False, device=self.device)
        sem = torch.from_numpy(np.asarray(self.sem_train[idx], dtype=np.float32)).to(self.device)
        flip = torch.from_numpy(rng.rand(len(idx)) < 0.5).to(self.device)
        rgb = torch.where(flip[:, None, None, None], rgb.flip(-1), rgb)
        sem = torch.where(flip[:, None, None, None], sem.flip(-1), sem)
        return idx, to_model_lab(rgb), sem

    def step_guider(self, rng, gen):
        cfg = self.cfg
        S = cfg.working_size
        sem = None
        if cfg.semantic_channels:
            idx, lab, sem = self._semantic_batch(rng)
        else:
            idx, lab = self._batch(rng, (S, S))
        with torch.no_grad():
            z0 = self.model.vqvae.encode(lab) * self.model.latent_scale
            ctx = self.model.text(*self._text(idx, rng))
        hint = random_hints(lab[:, 1:], cfg.train.hint_prob, cfg.train.max_hints, gen)
        xt, t, v = self._noised(z0, gen)
        gray = self.model.gray(lab[:, :1])
        pred = self.model.predict(xt, t.float(), ctx, gray, hint, semantic=sem)
        loss = F.mse_loss(pred.float(), v)
        info = {}
        if self.args.ab_loss:
            # --ab-loss: the latent MSE's optimum decodes to odd chroma where the latent is uncertain (the
            # decoder is not linear); L1 on the decoded x0 estimate pulls the few-step path toward chroma that
            # is right on average. The decoder only passes gradients (guider stage trains no VQ weights).
            a, s = self.schedule.coeffs(t)
            x0 = (a * xt - s * pred.float()) / self.model.latent_scale
            l1 = F.l1_loss(self.model.vqvae.decode(x0, lab[:, :1]).float(), lab[:, 1:])
            loss = loss + self.args.ab_loss * l1
            info["ab_l1"] = float(l1) * 110
        return loss, info

    @torch.no_grad()
    def calibrate_latent_scale(self):
        rng = np.random.RandomState(1234)
        S = self.cfg.working_size
        zs = []
        self.model.eval()
        for _ in range(8):
            _, lab = self._batch(rng, (S, S))
            zs.append(self.model.vqvae.encode(lab.to(self.device)))
        std = float(torch.cat(zs).float().std())
        self.model.latent_scale.fill_(1.0 / max(std, 1e-6))
        self.model.train()
        self.log(f"latent std {std:.4f} -> latent_scale {float(self.model.latent_scale):.4f}")

    # ---- sample sheets -------------------------------------------------------------------------------
    @torch.no_grad()
    def sample_sheet(self, stage, ema):
        from PIL import Image
        from colors import torch_lab_to_srgb
        from pipeline import colorize
        ev = ColorWizard(self.cfg).to(self.device)  # fresh modules: the live ones may be torch.compile'd
        ev.load_state_dict({k: v for k, v in ema.state_dict().items()})
        ev.eval()
        from semantic import attach_semantic
        attach_semantic(ev, self.semantic_state)
        n = min(8, len(self.val_set))
        R = 96
        rng = np.random.RandomState(0)
        rgb = self.val_set.batch(np.arange(n), (R, R), rng, augment=False, device=self.device)
        lab = to_model_lab(rgb)
        L = (lab[:, :1] + 1) * 50
        S = self.cfg.working_size
        cols = [torch.cat([L, torch.zeros_like(lab[:, 1:])], 1)]
        if stage != "vqvae":
            for seed in (0, 1):
                cols.append(colorize(ev, self.tok, L, [""] * n, steps=20, guidance=self.cfg.guidance_scale,
                                     seed=seed) if stage == "guider" else self._text_only(ev, L, seed))
        q = ev.vqvae.encode(resize(lab, (S, S)))
        ab = ev.vqvae.decode(q, lab[:, :1]) * 110
        cols.append(torch.cat([L, ab], 1))
        cols.append(torch.cat([L, lab[:, 1:] * 110], 1))
        grid = torch.cat([torch.cat(list(c), 1) for c in cols], 2)  # rows = images, cols = variants
        img = (torch_lab_to_srgb(grid[None].cpu().float())[0].permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
        path = os.path.join(self.run, "samples", f"{stage}-{self.steps[stage]:06d}.png")
        Image.fromarray(img).save(path)
        del ev

    def _text_only(self, ev, L, seed):
        """Prior alone from a fixed prompt set (shows that it generates color latents from text)."""
        from pipeline import sample_latents, decode_ab
        prompts = ["a red car", "a blue sky", "green trees", "a yellow flower", "a photo of a cat",
                   "a pink dress", "a brown dog", "a photo of a mountain"][: L.shape[0]]
        l_small = resize(L / 50 - 1, (self.cfg.working_size,) * 2)
        q = sample_latents(ev, self.tok, l_small, prompts, steps=20, guidance=self.cfg.guidance_scale, seed=seed,
                           use_guider=False)
        return torch.cat([L, decode_ab(ev, q, L / 50 - 1)], 1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="tiny", help="tiny | interim | base (ignored when resuming a run)")
    ap.add_argument("--stage", choices=STAGES + ("all",), default="all")
    ap.add_argument("--seconds", type=float, help="time budget for the stage (all: split per config)")
    ap.add_argument("--steps", type=int, default=0, help="stop after this many steps instead (smoke tests)")
    ap.add_argument("--run", default=os.path.join(HERE, "runs", "default"))
    ap.add_argument("--shards", default=os.path.join(HERE, "shards"))
    ap.add_argument("--features", default=os.path.join(HERE, "features"),
                    help="cached semantic features (cache_semantic.py), for configs with a semantic encoder")
    ap.add_argument("--resume", action="store_true", help="(default behaviour) continue from <run>/ckpt.pt")
    ap.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint in --run")
    ap.add_argument("--fresh-vq", type=int, default=0, metavar="CODES",
                    help="with --init-from: replace its VQ-VAE by a new chroma-skip one with CODES codes (trained anew)")
    ap.add_argument("--widen-semantic", action="store_true",
                    help="--features holds the initial weights' semantic features plus more channels "
                         "(combine_features.py): widen the guider's semantic input, new weights zero")
    ap.add_argument("--init-from", help="start from these weights (full or slim checkpoint) when --run has none")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N training photos")
    ap.add_argument("--batch", type=int, default=0)
    ap.add_argument("--recalibrate-latent", action="store_true",
                    help="prior/guider stage: set latent_scale to 1/std of the current VQ latents first")
    ap.add_argument("--vq-sizes", type=int, nargs="+", help="decoder training sizes of the vqvae stage (overrides the config)")
    ap.add_argument("--lr", type=float, help="learning rate (overrides the config's)")
    ap.add_argument("--text-drop", type=float, help="share of diffusion samples trained with the empty prompt "
                    "(overrides the config's; the rest get a caption)")
    ap.add_argument("--ema", type=float, help="EMA decay of the saved weights (overrides the config's)")
    ap.add_argument("--anneal", action="store_true",
                    help="cosine-decay the learning rate to 5%% over this call's --seconds (or --steps)")
    ap.add_argument("--ab-loss", type=float, default=0.0,
                    help="guider stage: weight of an L1 loss on the chroma decoded from the x0 estimate")
    ap.add_argument("--t-focus", type=float, default=0.0,
                    help="share of each diffusion batch with t from the upper three quarters of the schedule")
    ap.add_argument("--balance", type=float, default=0.0,
                    help="weigh each training photo by n_source^-B (0: uniform, 1: every source alike)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--log-every", type=float, default=20.0)
    ap.add_argument("--cpu", action="store_true")
    ap.add_argument("--compile", action="store_true", help="torch.compile the trained modules (CUDA, torch>=2)")
    ap.add_argument("--no-bf16", action="store_true")
    args = ap.parse_args(argv)
    if args.fresh and os.path.exists(os.path.join(args.run, "ckpt.pt")):
        os.remove(os.path.join(args.run, "ckpt.pt"))
    stages = STAGES if args.stage == "all" else (args.stage,)
    for stage in stages:
        tr = Trainer(args)
        secs = args.seconds if args.seconds is not None else tr.cfg.train.stage_seconds[stage]
        if args.stage == "all" and args.seconds is not None:
            secs = args.seconds / len(STAGES)
        tr.train_stage(stage, secs if not args.steps else 1e9, max_steps=args.steps)


if __name__ == "__main__":
    main()
