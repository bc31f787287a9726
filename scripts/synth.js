#!/usr/bin/env node
// The main job: synthesize the default example (examples/two-clusters) into cdktf.out/ (or $CDKTF_OUTDIR)
// with validations on, then print a short summary read from the construct tree and the written JSON.
// Run through `npm run synth`, which compiles first.
'use strict';
const fs = require('fs');
const path = require('path');
const lib = require('../lib');
const { buildApp, STACK_NAME } = require('../examples/two-clusters/stack');

const app = buildApp();
app.synth();

const stackDir = path.join(app.outdir, 'stacks', STACK_NAME);
const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
const all = app.node.findAll();
const count = (cls) => all.filter((c) => c instanceof cls).length;
const exportCount = all
  .filter((c) => c instanceof lib.ExportedServices)
  .reduce((n, e) => n + e.exportedServices.reduce((m, s) => m + s.consumers.length, 0), 0);
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
