/**
 * Builds a Go tool of the test tiers (the conformance checker in `test/conformance/`, the live applier in
 * `test/live/`) once into the engine cache, and again only when its sources change: the SHA-256 of every
 * `.go`, `go.mod` and `go.sum` file is kept next to the binary. Needs a Go toolchain on PATH; the first
 * build downloads `github.com/hashicorp/consul/api` and its dependencies through the Go module proxy.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { engineCacheDir } from './engine';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (entry.name.endsWith('.go') || entry.name === 'go.mod' || entry.name === 'go.sum') out.push(p);
  }
  return out.sort();
}

function sourceHash(dir: string): string {
  const h = crypto.createHash('sha256');
  for (const f of sourceFiles(dir)) {
    h.update(path.relative(dir, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

const built = new Map<string, string>();

/**
 * Path of `<engine cache>/bin/<name>`, built from the Go module in `sourceDir` first when it is missing or
 * stale. Concurrent Jest workers may both build; each writes its own temporary file and renames it into place.
 */
export function goToolBinary(sourceDir: string, name: string): string {
  const known = built.get(name);
  if (known) return known;
  const bin = path.join(engineCacheDir(), 'bin', name);
  const stamp = `${bin}.sha256`;
  const hash = sourceHash(sourceDir);
  const upToDate = fs.existsSync(bin) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === hash;
  if (!upToDate) {
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    const tmp = `${bin}.${process.pid}.tmp`;
    const r = spawnSync('go', ['build', '-buildvcs=false', '-trimpath', '-o', tmp, '.'], { cwd: sourceDir, encoding: 'utf8' });
    if (r.error) {
      throw new Error(`cannot run "go" (${r.error.message}); building ${name} needs a Go toolchain (>= 1.23) on PATH`);
    }
    if (r.status !== 0) throw new Error(`building ${name} in ${sourceDir} failed:\n${r.stderr}`);
    fs.renameSync(tmp, bin);
    fs.writeFileSync(stamp, `${hash}\n`);
  }
  built.set(name, bin);
  return bin;
}
