#!/usr/bin/env node
// The main job: synthesize the default example (examples/two-clusters) into cdktf.out/ (or $CDKTF_OUTDIR)
// with validations on, then print a short summary read from the construct tree and the written JSON, and
// write the topology picture next to the stacks: topology.mmd (Mermaid), topology.dot (Graphviz) and, when
// Graphviz's `dot` is on PATH, topology.svg. Run through `npm run synth`, which compiles first.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const lib = require('../lib');
const { buildApp, STACK_NAME } = require('../examples/two-clusters/stack');
const { writeOperatorPolicies } = require('./operator-policies');

const app = buildApp();
app.synth();

const stackDir = path.join(app.outdir, 'stacks', STACK_NAME);
const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
const all = app.node.findAll();
const count = (cls) => all.filter((c) => c instanceof cls).length;
const exportCount = all
  .filter((c) => c instanceof lib.ExportedServices)
  .reduce((n, e) => n + e.services.reduce((m, s) => m + s.consumers.length, 0), 0);
const resources = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
const dataSources = Object.values(json.data ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);

console.log(`synthesized ${STACK_NAME} -> ${path.relative(process.cwd(), path.join(stackDir, 'cdk.tf.json'))}`);
console.log(
  [
    `clusters: ${count(lib.ConsulCluster)}`,
    `peerings: ${count(lib.ClusterPeering)}`,
    `gateways: ${count(lib.MeshGateway)}`,
    `services: ${count(lib.MeshService)}`,
    `exports: ${exportCount}`,
    `tokens: ${count(lib.AclToken)}`,
    `resources: ${resources}`,
    `data sources: ${dataSources}`,
  ].join(', '),
);

// The topology picture, read from the same construct tree (reading creates nothing).
const picture = lib.renderTopology(app);
const out = (name) => path.join(app.outdir, name);
const shown = (name) => path.relative(process.cwd(), out(name));
fs.writeFileSync(out('topology.mmd'), picture.mermaid);
fs.writeFileSync(out('topology.dot'), picture.dot);
const dot = spawnSync('dot', ['-Tsvg', '-o', out('topology.svg'), out('topology.dot')], { encoding: 'utf8' });
if (dot.error && dot.error.code === 'ENOENT') {
  fs.rmSync(out('topology.svg'), { force: true });
  console.log(`topology: dot not installed, wrote ${shown('topology.mmd')} and ${shown('topology.dot')} only (apt-get install graphviz for the SVG)`);
} else if (dot.error || dot.status !== 0) {
  console.error(`topology: dot -Tsvg failed: ${dot.error ? dot.error.message : (dot.stderr || '').trim() || `exit ${dot.status}`}`);
  process.exitCode = 1;
} else {
  console.log(`topology: wrote ${shown('topology.mmd')}, ${shown('topology.dot')} and ${shown('topology.svg')}`);
}

// The least-privilege rules of each cluster's Terraform operator token (the local lab creates its operator
// tokens from these files instead of deploying with the management token).
const written = writeOperatorPolicies(app);
console.log(`operator policies: wrote ${written.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
