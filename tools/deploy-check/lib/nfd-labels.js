// Checks that a NodeFeatureRule reads only node labels the plugin really writes: the plugin's
// labels (its prefix) that a rule names for the local.label feature (matchExpressions keys and
// matchName "In" values, in matchFeatures and in every matchAny term) or copies with
// "@local.label.<name>" must appear in what `detect --json` reports as serve's NFD feature file
// on a simulated SGX node. Catches a rule that would silently match nothing after a label is
// renamed.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const kPluginLabelPrefix = 'sgx.tee.dev/';
const kReference = /^@local\.label\.(.+)$/;

// The local-source label names a NodeFeatureRule object refers to, sorted.
function localLabelsUsed(object) {
  const names = new Set();
  for (const rule of object.spec?.rules || []) {
    const terms = [...(rule.matchFeatures || []),
      ...(rule.matchAny || []).flatMap((any) => any?.matchFeatures || [])];
    for (const term of terms) {
      if (term?.feature !== 'local.label') continue;
      for (const name of Object.keys(term.matchExpressions || {})) names.add(name);
      if (term.matchName?.op === 'In') for (const name of term.matchName.value || []) names.add(name);
    }
    for (const field of ['labels', 'annotations', 'extendedResources', 'vars']) {
      for (const value of Object.values(rule[field] || {})) {
        const match = typeof value === 'string' ? kReference.exec(value) : null;
        if (match) names.add(match[1]);
      }
    }
  }
  return [...names].sort();
}

// The labels serve writes on a simulated SGX node (every plugin label is present when SGX is
// usable), from the binary's own `simulate` and `detect --json`.
function pluginLabels(binary) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-check-labels-'));
  try {
    execFileSync(binary, ['simulate', `--out=${root}`, '--spec=numa=1GiB driver=in-kernel'],
      { stdio: 'pipe', timeout: 20000 });
    const detect = execFileSync(binary, ['detect', '--json', `--host-root=${root}`,
      `--cpuid-dump=${root}/cpuid.txt`], { encoding: 'utf8', stdio: 'pipe', timeout: 20000 });
    return new Set(Object.keys(JSON.parse(detect).node_labels || {}));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

// Problems for a NodeFeatureRule: plugin labels it uses that `written` (a Set) lacks.
function checkRuleLabels(object, written) {
  return localLabelsUsed(object)
    .filter((name) => name.startsWith(kPluginLabelPrefix) && !written.has(name))
    .map((name) => `uses local label "${name}", which the plugin never writes ` +
      `(it writes ${[...written].sort().join(', ')})`);
}

module.exports = { localLabelsUsed, pluginLabels, checkRuleLabels };
