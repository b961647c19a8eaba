#!/usr/bin/env python3
"""Clones a daemon's stored reference analyses into N synthetic references, for
timing a profile of more tracks than can be synthesised and analysed in a bench
run (the --append figure is stated for a 1,000-track profile).

Each clone is a small distinct file (so it has its own content hash) whose
stored analysis is a copy of a real one, its path and hash rewritten and its
embedding segments (values and augmented views) scaled by a per-copy factor
1 + 0.01 * (copy + 1), so no two clones train or cluster as the same rows. The
features are copied unchanged. Files go to OUT/<label>/clone_NNNN.wav with the
source's folder as label. Writes the tracks and analyses rows straight into the
store (the daemon reads analyses from it by content hash; run while it is idle).

Usage: clone_references.py DB LIB_DIR OUT_DIR N
"""
import base64, hashlib, json, os, sqlite3, struct, sys

db, lib, out, n = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3]), int(sys.argv[4])
conn = sqlite3.connect(db, timeout=60)
rows = conn.execute(
    "SELECT t.content_hash, t.path, a.analyzer_version, a.created_at, a.document "
    "FROM tracks t JOIN analyses a ON a.content_hash = t.content_hash "
    "WHERE t.path LIKE ? ORDER BY t.path", (lib + "/%",)).fetchall()
if not rows:
    sys.exit(f"no stored analyses under {lib}")
track_cols = [r[1] for r in conn.execute("PRAGMA table_info(tracks)")]


def scaled(b64, factor):
    raw = base64.b64decode(b64)
    vals = struct.unpack(f"<{len(raw) // 4}f", raw)
    return base64.b64encode(struct.pack(f"<{len(vals)}f", *(v * factor for v in vals))).decode()


docs = [json.loads(r[4]) for r in rows]
with conn:
    for i in range(n):
        src = i % len(rows)
        copy = i // len(rows)
        label = os.path.basename(os.path.dirname(rows[src][1]))
        path = os.path.join(out, label, f"clone_{i:04d}.wav")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = f"styledna bench clone {i} of {rows[src][0]}\n".encode()
        with open(path, "wb") as f:
            f.write(data)
        h = hashlib.sha256(data).hexdigest()
        doc = json.loads(json.dumps(docs[src]))
        doc["content_hash"], doc["path"] = h, path
        factor = 1.0 + 0.01 * (copy + 1)
        for seg in doc["embedding"]["segments"]:
            for key in ("values_f32", "augmented_f32"):
                if seg.get(key):
                    seg[key] = scaled(seg[key], factor)
        track = dict(zip(track_cols, conn.execute(
            "SELECT * FROM tracks WHERE content_hash = ?", (rows[src][0],)).fetchone()))
        track.update(content_hash=h, path=path, file_size_bytes=len(data))
        conn.execute(f"INSERT OR REPLACE INTO tracks ({','.join(track)}) VALUES "
                     f"({','.join('?' * len(track))})", list(track.values()))
        conn.execute("INSERT OR REPLACE INTO analyses (content_hash, analyzer_version, created_at, "
                     "document) VALUES (?, ?, ?, ?)",
                     (h, rows[src][2], rows[src][3], json.dumps(doc)))
print(f"{n} clones of {len(rows)} analysed references in {out}")
