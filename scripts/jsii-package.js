#!/usr/bin/env node
// Builds the library with jsii and packages it for other languages with jsii-pacmak:
//
//   node scripts/jsii-package.js [--targets python,java,go,dotnet] [--rosetta] [--code-only] [--outdir dist]
//
// 1. Stages a copy of what the package is built from (lib/**/*.ts, the Dockerfile context, README, LICENSE,
//    CHANGELOG, rosetta/ fixtures and package.json) in <outdir>/.jsii-stage, with node_modules linked. The
//    TypeScript build of the repository (tsc, lib/*.js beside the sources) is left alone: jsii writes its own
//    tsconfig and its own lib/*.js, and must not race the tests that read the repository's.
// 2. Compiles the stage with jsii into `.jsii`, the assembly every language binding is generated from.
//    jsii's "reserved word" warnings are silenced: they name props such as `namespace` that are keywords in
//    C# or Java, which jsii-pacmak escapes in the generated code.
// 3. With --rosetta, compiles every `@example` of the API docs with jsii-rosetta against
//    rosetta/default.ts-fixture, failing on the first example that does not compile.
// 4. Runs jsii-pacmak for the targets (default: python) into <outdir>/<language>/: built packages, or with
//    --code-only the generated sources only (for languages whose toolchain or dependencies are missing).
//
// The `jsii` block of package.json holds the per-language names. jsii requires a `repository` field, which
// this package cannot state yet (no canonical repository, see CHANGELOG "Known limitations"): the stage gets
// a placeholder under example.invalid, and the script says so. Packages built with it are for testing, not
// for publishing.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

function parseArgs(argv) {
  const args = { targets: ['python'], rosetta: false, codeOnly: false, outdir: path.join(ROOT, 'dist') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--targets') args.targets = argv[++i].split(',').filter(Boolean);
    else if (a === '--rosetta') args.rosetta = true;
    else if (a === '--code-only') args.codeOnly = true;
    else if (a === '--outdir') args.outdir = path.resolve(argv[++i]);
    else throw new Error(`jsii-package: unknown argument ${JSON.stringify(a)} (use --targets, --rosetta, --code-only, --outdir)`);
  }
  const known = ['python', 'java', 'go', 'dotnet', 'js'];
  const unknown = args.targets.filter((t) => !known.includes(t));
  if (unknown.length) throw new Error(`jsii-package: unknown target(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return args;
}

function run(cmd, args, cwd, env = {}) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    // jsii's runtime warns on every start that Node.js 20 is past its end of life; the package supports it
    // (engines.node), and the warning would hide the output that matters.
    env: { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1', ...env },
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${r.status}:\n${out}`);
  return { out, seconds: (Date.now() - t0) / 1000 };
}

/** Copies what the package is built from into `stage`. */
function stageSources(stage) {
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  const keep = (src) => {
    const rel = path.relative(ROOT, src);
    if (fs.statSync(src).isDirectory()) return true;
    if (rel.startsWith(`lib${path.sep}`)) {
      // Sources only: the repository's compiled lib/*.js and *.d.ts are tsc's, not jsii's.
      return rel.includes(`${path.sep}context${path.sep}`) || (rel.endsWith('.ts') && !rel.endsWith('.d.ts'));
    }
    return true;
  };
  for (const entry of ['lib', 'rosetta', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
    const src = path.join(ROOT, entry);
    if (fs.existsSync(src)) fs.cpSync(src, path.join(stage, entry), { recursive: true, filter: keep });
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  if (!pkg.jsii) throw new Error('jsii-package: package.json has no "jsii" block');
  // jsii compiles; pacmak's `npm pack` must not run the tsc build of prepack.
  delete pkg.scripts;
  delete pkg.devDependencies;
  pkg.files = [...pkg.files, '.jsii'];
  let placeholder = false;
  if (!pkg.repository) {
    pkg.repository = { type: 'git', url: 'https://example.invalid/cdktf-consul-peering.git' };
    placeholder = true;
  }
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  return { pkg, placeholder };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const stage = path.join(args.outdir, '.jsii-stage');
  const { pkg, placeholder } = stageSources(stage);
  if (placeholder) {
    console.log('jsii-package: package.json has no "repository"; the staged build uses https://example.invalid/ (not for publishing)');
  }

  const jsii = run(path.join(BIN, 'jsii'), ['--silence-warnings=reserved-word', '--fail-on-warnings'], stage);
  const assembly = JSON.parse(fs.readFileSync(path.join(stage, '.jsii'), 'utf8'));
  console.log(`jsii: ${Object.keys(assembly.types).length} types in ${pkg.name}@${pkg.version} (${jsii.seconds.toFixed(1)} s)`);

  if (args.rosetta) {
    const rosetta = run(path.join(BIN, 'jsii-rosetta'), ['extract', '--compile', '--fail', '--strict', '.jsii'], stage);
    const lines = rosetta.out.split('\n').filter((l) => /snippets|translat|example/i.test(l));
    console.log(`jsii-rosetta: every example compiles (${rosetta.seconds.toFixed(1)} s)${lines.length ? `: ${lines.join('; ')}` : ''}`);
  }

  const pacmakArgs = ['--targets', args.targets.join(','), '--outdir', args.outdir, ...(args.codeOnly ? ['--code-only'] : [])];
  const pacmak = run(path.join(BIN, 'jsii-pacmak'), pacmakArgs, stage);
  for (const target of args.targets) {
    const dir = path.join(args.outdir, target);
    const built = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
    console.log(`jsii-pacmak ${target}${args.codeOnly ? ' (sources only)' : ''}: ${built.length ? built.join(', ') : 'nothing'}`);
  }
  console.log(`jsii-pacmak: ${pacmak.seconds.toFixed(1)} s, into ${path.relative(process.cwd(), args.outdir) || '.'}/`);
}

try {
  main();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
