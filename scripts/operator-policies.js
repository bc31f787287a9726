#!/usr/bin/env node
// The least-privilege rules of each cluster's Terraform operator token (`cluster.operatorPolicyDocument()`),
// one file per datacenter: <outdir>/operator-policies/<dc>.json. The labs' READMEs create their operator
// tokens from these files instead of deploying with the management token.
//
//   node scripts/operator-policies.js examples/three-clusters      (after npm run build)
//
// The example's stack module must export buildApp(outdir?), as every example does. scripts/synth.js writes
// the default example's files through writeOperatorPolicies.
'use strict';
const fs = require('fs');
const path = require('path');
const lib = require('../lib');

/** Writes the files for every ConsulCluster of `app` and returns their paths. */
function writeOperatorPolicies(app) {
  const dir = path.join(app.outdir, 'operator-policies');
  fs.mkdirSync(dir, { recursive: true });
  return app.node
    .findAll()
    .filter((c) => lib.ConsulCluster.isConsulCluster(c) && c.aclsEnabled)
    .map((cluster) => {
      const file = path.join(dir, `${cluster.datacenter}.json`);
      fs.writeFileSync(file, `${cluster.operatorPolicyDocument().render()}\n`);
      return file;
    });
}

if (require.main === module) {
  const example = process.argv[2];
  if (!example) {
    console.error('usage: node scripts/operator-policies.js examples/<name>');
    process.exit(2);
  }
  const { buildApp } = require(path.resolve(example, 'stack'));
  const app = buildApp();
  const files = writeOperatorPolicies(app);
  console.log(`operator policies: wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
}

module.exports = { writeOperatorPolicies };
