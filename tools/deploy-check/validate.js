#!/usr/bin/env node
// Validates Kubernetes manifests offline: every YAML document against the API's schema
// (kubernetes-models), no unknown fields at any depth, and, with --binary, every container that
// runs the plugin's image against the built binary's real subcommands, flags and environment
// variables (plus a real run of a simulation pod's simulate/detect wiring) and the host paths it
// mounts, every NodeFeatureRule against the node labels the binary writes, and that whoever may
// patch every Node's status is confined to its own Node by an admission policy.
// usage: node validate.js [--binary PATH] [--require-plugin FILE]... FILE...
// Exit 0 when everything is valid, 1 when something is not, 2 on a usage error.
'use strict';

const { execFileSync } = require('child_process');
const { readDocuments, describe } = require('./lib/documents');
const { validateSchema, loadModel } = require('./lib/schema');
const { findUnknownFields } = require('./lib/known-fields');
const { podSpecOf, pluginContainers } = require('./lib/pod-specs');
const { parseHelp, checkArgs } = require('./lib/plugin-args');
const { checkSimulatedHost } = require('./lib/simulated-host');
const { pluginLabels, checkRuleLabels } = require('./lib/nfd-labels');
const { checkHostMounts } = require('./lib/host-mounts');
const { checkNodeStatusConfined } = require('./lib/node-status-policy');

const kImageName = 'tee-device-plugin';

function parseCommandLine(argv) {
  const options = { binary: null, requirePlugin: new Set(), files: [] };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--binary' && i + 1 < argv.length) options.binary = argv[++i];
    else if (argv[i] === '--require-plugin' && i + 1 < argv.length) options.requirePlugin.add(argv[++i]);
    else if (argv[i].startsWith('-')) throw new Error(`unknown option "${argv[i]}"`);
    else options.files.push(argv[i]);
  }
  if (options.files.length === 0) throw new Error('no files given');
  if (options.requirePlugin.size > 0 && !options.binary) throw new Error('--require-plugin needs --binary');
  return options;
}

function helpReader(binary) {
  const cache = new Map();
  return (subcommand) => {
    if (!cache.has(subcommand)) {
      try {
        const help = execFileSync(binary, [subcommand, '--help'], { encoding: 'utf8', stdio: 'pipe' });
        cache.set(subcommand, parseHelp(help));
      } catch {
        cache.set(subcommand, null);
      }
    }
    return cache.get(subcommand);
  };
}

function checkPluginContainers(document, binary, helpFor) {
  const podSpec = podSpecOf(document.object);
  const plugins = podSpec ? pluginContainers(podSpec, kImageName) : [];
  const problems = [];
  for (const { kind, container } of plugins) {
    for (const problem of checkArgs(container, helpFor)) problems.push(`${kind}[${container.name}]: ${problem}`);
    for (const problem of checkHostMounts(podSpec, container)) problems.push(`${kind}[${container.name}]: ${problem}`);
  }
  if (problems.length === 0) problems.push(...checkSimulatedHost(plugins, binary));
  return { count: plugins.length, problems };
}

function main(argv) {
  let options;
  try {
    options = parseCommandLine(argv);
  } catch (error) {
    console.error(`deploy-check: ${error.message}\n` +
      'usage: node validate.js [--binary PATH] [--require-plugin FILE]... FILE...');
    return 2;
  }
  const documents = [];
  let failures = 0;
  for (const file of options.files) {
    try {
      documents.push(...readDocuments(file));
    } catch (error) {
      console.log(`FAIL ${error.message}`);
      ++failures;
    }
  }
  const problems = documents.map((document) => validateSchema(document.object));
  // Only objects with a schema and no schema problems: TypeScript would repeat those.
  const typed = documents.map((d, i) => i).filter((i) => problems[i].length === 0 &&
    loadModel(documents[i].object.apiVersion, documents[i].object.kind));
  findUnknownFields(typed.map((i) => documents[i].object))
    .forEach((found, j) => problems[typed[j]].push(...found));
  const helpFor = options.binary ? helpReader(options.binary) : null;
  const pluginsPerFile = new Map();
  documents.forEach((document, i) => {
    if (!helpFor) return;
    const { count, problems: found } = checkPluginContainers(document, options.binary, helpFor);
    pluginsPerFile.set(document.source, (pluginsPerFile.get(document.source) || 0) + count);
    problems[i].push(...found);
  });
  const sources = new Set(documents.map((d) => d.source));
  for (const source of sources) {
    for (const { document, problem } of checkNodeStatusConfined(documents.filter((d) => d.source === source))) {
      problems[documents.indexOf(document)].push(problem);
    }
  }
  let written = null;  // the plugin's labels, read once when a rule needs them
  documents.forEach((document, i) => {
    if (!options.binary || document.object?.kind !== 'NodeFeatureRule' || problems[i].length > 0) return;
    try {
      written = written || pluginLabels(options.binary);
      problems[i].push(...checkRuleLabels(document.object, written));
    } catch (error) {
      problems[i].push(`cannot read the plugin's node labels: ${error.message.split('\n')[0]}`);
    }
  });
  documents.forEach((document, i) => {
    if (problems[i].length === 0) return;
    ++failures;
    console.log(`FAIL ${describe(document)}`);
    for (const problem of problems[i]) console.log(`     ${problem}`);
  });
  for (const file of options.requirePlugin) {
    if (!pluginsPerFile.get(file)) {
      console.log(`FAIL ${file}: no container runs the ${kImageName} image, so its flags went unchecked`);
      ++failures;
    }
  }
  const plugins = [...pluginsPerFile.values()].reduce((a, b) => a + b, 0);
  console.log(`deploy-check: ${documents.length} documents in ${options.files.length} files, ` +
    `${plugins} plugin containers checked, ${failures} invalid`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
