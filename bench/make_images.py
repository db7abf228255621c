#!/usr/bin/env python3
"""Builds jreg's deterministic benchmark images into an OCI layout.

Layers are tar+gzip archives of real file data from this machine (/usr/share, /usr/lib) topped
up with incompressible pseudo-random filler, so they compress like real images and no two layers
share bytes. `layers100` is 100 layers of 1 MiB of filler alone, for the cost per layer.
Usage: make_images.py LAYOUT_DIR SCALE [COMMIT_DIR] (SCALE 1.0 is the ~1 GB image; layers100 does
not scale). COMMIT_DIR, if given, gets copies of about 200 MB (times SCALE) of real files, the
directory the commit rows make a layer of.
"""
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import sys
import tarfile

root, scale = sys.argv[1], float(sys.argv[2])
commit_dir = sys.argv[3] if len(sys.argv) > 3 else None
os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": []}


def put(data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(root, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest


CANDIDATES = []


def candidates():
    """Regular files under /usr/share and /usr/lib (read once)."""
    if not CANDIDATES:
        for base in ("/usr/share", "/usr/lib"):
            for dirpath, _, names in os.walk(base):
                for name in sorted(names):
                    path = os.path.join(dirpath, name)
                    if not os.path.islink(path):
                        CANDIDATES.append(path)
                if len(CANDIDATES) > 50000:
                    break
    return CANDIDATES


def real_files(limit, seed):
    """Up to `limit` bytes of real files, a different slice per seed."""
    picked, total = [], 0
    candidates_ = list(candidates())
    rng = random.Random(seed)
    rng.shuffle(candidates_)
    for path in candidates_:
        try:
            size = os.path.getsize(path)
        except OSError:
            continue
        if 0 < size < 4 << 20 and total + size <= limit:
            picked.append(path)
            total += size
        if total >= limit * 0.95:
            break
    return picked


def layer(size, seed, real=True):
    """A gzip layer of about `size` compressed bytes: 30% real files and the rest random filler, or
    (not `real`) filler alone, which gzip cannot shrink."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for path in real_files(int(size * 0.3), seed) if real else []:
            try:
                info = tar.gettarinfo(path, arcname="real" + path)
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            except OSError:
                pass
        rng = random.Random(seed)
        filler_size = int(size * 0.75) if real else size
        filler = b"".join(rng.randbytes(1 << 24) for _ in range(filler_size >> 24)) \
            + rng.randbytes(filler_size & ((1 << 24) - 1))
        info = tarfile.TarInfo("filler/data-%d" % seed)
        info.size, info.mtime = len(filler), 0
        tar.addfile(info, io.BytesIO(filler))
    raw = buf.getvalue()
    gz = gzip.compress(raw, compresslevel=1, mtime=0)
    return {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": put(gz), "size": len(gz)}, \
        "sha256:" + hashlib.sha256(raw).hexdigest()


def image(name, sizes, seed, arch="amd64", variant=None, tag=True, real=True):
    layers, diffs = [], []
    for i, size in enumerate(sizes):
        desc, diff = layer(size, seed * 100 + i, real)
        layers.append(desc)
        diffs.append(diff)
    config = {"created": "2026-01-01T00:00:00Z", "architecture": arch, "os": "linux",
              "config": {"Env": ["PATH=/usr/bin:/bin"], "Cmd": ["/bin/sh"]},
              "rootfs": {"type": "layers", "diff_ids": diffs},
              "history": [{"created_by": "layer %d" % i} for i in range(len(sizes))]}
    if variant:
        config["variant"] = variant
    cfg = json.dumps(config).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(cfg),
                                      "size": len(cfg)},
                           "layers": layers}).encode()
    desc = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(manifest), "size": len(manifest)}
    if tag:
        index["manifests"].append(dict(desc, annotations={"org.opencontainers.image.ref.name": name}))
    return desc


MB = 1 << 20
big = [400, 100, 90, 80, 70, 60, 50, 30, 15, 5]
image("big", [int(s * MB * scale) for s in big], 1)
image("small", [int(3 * MB), int(2 * MB), int(1 * MB)], 2)
image("layers100", [MB] * 100, 5, real=False)
amd = image("multi-amd64", [int(20 * MB * scale)], 3, tag=False)
arm = image("multi-arm64", [int(20 * MB * scale)], 4, arch="arm64", variant="v8", tag=False)
multi = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
    dict(amd, platform={"architecture": "amd64", "os": "linux"}),
    dict(arm, platform={"architecture": "arm64", "os": "linux", "variant": "v8"})]}).encode()
index["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": put(multi),
                           "size": len(multi), "annotations": {"org.opencontainers.image.ref.name": "multi"}})
with open(os.path.join(root, "index.json"), "w") as f:
    json.dump(index, f)
with open(os.path.join(root, "oci-layout"), "w") as f:
    f.write('{"imageLayoutVersion":"1.0.0"}')

if commit_dir:
    for path in real_files(int(200 * MB * scale), 7):
        copy = os.path.join(commit_dir, path.lstrip("/"))
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        try:
            shutil.copy2(path, copy)
        except OSError:
            pass
