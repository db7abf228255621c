#!/usr/bin/env python3
"""Pushes jreg's deterministic sync fleet into a registry and writes a skopeo sync file for it.

The fleet is REPOS repositories `fleet/rNN` of TAGS tags `tN` each: small images of three gzip
layers, a base all images share (1 MiB), one per repository (128 KiB) and one per tag (16 KiB),
of pseudo-random bytes so no two differ by chance. Uploads are monolithic
(`POST` then one `PUT …?digest=`), over one connection, so loading takes seconds.
Usage: make_fleet.py SCHEME://HOST:PORT CA_FILE CERT_DIR SYNC_YAML [REPOS TAGS]
"""
import gzip
import hashlib
import http.client
import io
import json
import random
import ssl
import sys
import tarfile
import urllib.parse

url, ca_file, cert_dir, sync_yaml = sys.argv[1:5]
repos = int(sys.argv[5]) if len(sys.argv) > 5 else 50
tags = int(sys.argv[6]) if len(sys.argv) > 6 else 4
parsed = urllib.parse.urlsplit(url)
if parsed.scheme == "https":
    conn = http.client.HTTPSConnection(parsed.netloc, context=ssl.create_default_context(cafile=ca_file))
else:
    conn = http.client.HTTPConnection(parsed.netloc)


def layer(seed, size):
    """A gzip tar of one file of `size` pseudo-random bytes, the same for the same seed."""
    data = random.Random(seed).randbytes(size)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("data/" + seed)
        info.size, info.mtime, info.mode = size, 0, 0o644
        tar.addfile(info, io.BytesIO(data))
    diff_id = "sha256:" + hashlib.sha256(raw.getvalue()).hexdigest()
    return gzip.compress(raw.getvalue(), mtime=0), diff_id


def request(method, path, body=b"", headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    text = response.read()
    if response.status not in (201, 202):
        sys.exit("make_fleet: %s %s: HTTP %d %s" % (method, path, response.status, text[:300]))
    return response


def push_blob(repo, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    location = urllib.parse.urlsplit(request("POST", "/v2/%s/blobs/uploads/" % repo).getheader("Location"))
    request("PUT", "%s?%s&digest=%s" % (location.path, location.query, digest), data,
            {"Content-Type": "application/octet-stream", "Content-Length": str(len(data))})
    return {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": len(data)}


base = layer("base", 1 << 20)
for r in range(1, repos + 1):
    repo = "fleet/r%02d" % r
    own = layer("repo-%d" % r, 128 << 10)
    for t in range(1, tags + 1):
        top = layer("tag-%d-%d" % (r, t), 16 << 10)
        parts = [base, own, top]
        layers = [push_blob(repo, blob) for blob, _ in parts]
        config = json.dumps({"architecture": "amd64", "os": "linux",
                             "config": {"Cmd": ["/data/tag-%d-%d" % (r, t)]},
                             "rootfs": {"type": "layers", "diff_ids": [d for _, d in parts]}},
                            sort_keys=True).encode()
        config_descriptor = push_blob(repo, config)
        config_descriptor["mediaType"] = "application/vnd.oci.image.config.v1+json"
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "config": config_descriptor, "layers": layers}).encode()
        request("PUT", "/v2/%s/manifests/t%d" % (repo, t), manifest,
                {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})

with open(sync_yaml, "w") as f:
    f.write("%s:\n" % parsed.netloc)
    if parsed.scheme == "https":
        f.write("  cert-dir: %s\n" % cert_dir)
    else:
        f.write("  tls-verify: false\n")
    f.write("  images:\n")
    for r in range(1, repos + 1):
        f.write("    fleet/r%02d: [%s]\n" % (r, ", ".join("t%d" % t for t in range(1, tags + 1))))
