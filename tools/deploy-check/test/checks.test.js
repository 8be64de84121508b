// The checks must reject what the API server or the binary would reject: each case here is a
// manifest mistake that the deploy stage has to catch.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { parseDocuments } = require('../lib/documents');
const { validateSchema } = require('../lib/schema');
const { findUnknownFields } = require('../lib/known-fields');
const { parseHelp, checkArgs } = require('../lib/plugin-args');
const { imageBaseName } = require('../lib/pod-specs');
const { mapPath } = require('../lib/simulated-host');
const { localLabelsUsed, checkRuleLabels } = require('../lib/nfd-labels');
const { checkHostMounts } = require('../lib/host-mounts');
const { checkNodeStatusConfined } = require('../lib/node-status-policy');

const kHelp = `Usage: serve [OPTIONS]

Options:
  -h,--help                   Print this help message and exit
  --host-root TEXT=/ (Env:TEE_HOST_ROOT)
                              Prefix for every read
  --cpuid-dump TEXT (Env:TEE_CPUID_DUMP)
  --json                      Print JSON instead of text
`;

function pod(container) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i', ...container }] } };
}

test('YAML 1.1 booleans and duplicate keys read as kubectl reads them', () => {
  const [doc] = parseDocuments('a: no\nb: on\n', 'x.yaml');
  assert.deepStrictEqual(doc.object, { a: false, b: true });
  assert.throws(() => parseDocuments('a: 1\na: 2\n', 'x.yaml'), /x\.yaml:2/);
});

test('schema: wrong types, missing fields and unknown kinds are problems', () => {
  assert.deepStrictEqual(validateSchema(pod({})), []);
  assert.match(validateSchema(pod({ ports: [{ containerPort: 'http' }] })).join(), /containerPort must be integer/);
  assert.match(validateSchema({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: {} }).join(), /selector/);
  assert.match(validateSchema({ apiVersion: 'example.com/v1', kind: 'Widget' }).join(), /no built-in schema/);
});

test('unknown fields are found at any depth', () => {
  const [good, misspelt, nested] = findUnknownFields([
    pod({ readinessProbe: { httpGet: { path: '/readyz', port: 9464 } } }),
    pod({ readinesProbe: {} }),
    pod({ securityContext: { capabilities: { dorp: ['ALL'] } } }),
  ]);
  assert.deepStrictEqual(good, []);
  assert.match(misspelt.join(), /readinesProbe/);
  assert.match(nested.join(), /dorp/);
});

test('help parsing tells flags with values from boolean ones and collects env names', () => {
  const help = parseHelp(kHelp);
  assert.deepStrictEqual([...help.flags], [['--help', false], ['--host-root', true], ['--cpuid-dump', true], ['--json', false]]);
  assert.deepStrictEqual([...help.env], ['TEE_HOST_ROOT', 'TEE_CPUID_DUMP']);
  // A flag whose values are listed: CLI11 writes the choices after a colon.
  const choices = parseHelp('  --log-format TEXT:{text,json}=text (Env:TEE_LOG_FORMAT)\n');
  assert.deepStrictEqual([...choices.flags], [['--log-format', true]]);
});

test('args: unknown subcommands, flags, missing values and env names are problems', () => {
  const helpFor = (name) => (name === 'serve' ? parseHelp(kHelp) : null);
  const check = (args, extra = {}) => checkArgs({ args, ...extra }, helpFor);
  assert.deepStrictEqual(check(['serve', '--host-root=/host', '--cpuid-dump', '/d', '--json']), []);
  assert.match(check(['serv']).join(), /unknown subcommand "serv"/);
  assert.match(check(['serve', '--host-rot=/host']).join(), /unknown flag "--host-rot"/);
  assert.match(check(['serve', '--cpuid-dump']).join(), /needs a value/);
  assert.match(check(['serve', '--json=yes']).join(), /takes no value/);
  assert.match(check(['serve', 'extra']).join(), /unexpected argument/);
  assert.match(check([]).join(), /must start with a subcommand/);
  assert.match(check(['serve'], { command: ['/bin/sh'] }).join(), /command/);
  assert.match(check(['serve'], { env: [{ name: 'TEE_NOPE', value: '1' }] }).join(), /TEE_NOPE/);
});

test('image names match with any registry, tag or digest', () => {
  assert.strictEqual(imageBaseName('reg.example:5000/a/tee-device-plugin:1.0@sha256:ab'), 'tee-device-plugin');
  assert.strictEqual(imageBaseName('tee-device-plugin'), 'tee-device-plugin');
});

test('container paths map through the deepest volume mount', () => {
  const container = { volumeMounts: [{ name: 'a', mountPath: '/sim' }, { name: 'b', mountPath: '/sim/deep/' }] };
  assert.deepStrictEqual(mapPath(container, '/sim/root', '/t'), { volume: 'a', hostPath: '/t/a/root' });
  assert.deepStrictEqual(mapPath(container, '/sim/deep/x', '/t'), { volume: 'b', hostPath: '/t/b/x' });
  assert.strictEqual(mapPath(container, '/simulated', '/t'), null);
});

test('NodeFeatureRules are checked by their own structure', () => {
  const rule = (fields) => ({ apiVersion: 'nfd.k8s-sigs.io/v1alpha1', kind: 'NodeFeatureRule',
    metadata: { name: 'r' }, spec: { rules: [{ name: 'x', ...fields }] } });
  assert.deepStrictEqual(validateSchema(rule({ extendedResources: { 'a.b/c': '@local.label.d' },
    matchFeatures: [{ feature: 'local.label', matchExpressions: { d: { op: 'Exists' } } }] })), []);
  assert.match(validateSchema(rule({ extendedResource: {} })).join(), /unknown field "extendedResource"/);
  assert.match(validateSchema(rule({ matchFeatures: [{ feature: 'f', matchExpressions: { d: { op: 'Exist' } } }] })).join(), /bad op/);
  assert.match(validateSchema(rule({ extendedResources: { 'a.b/c': 5 } })).join(), /map names to strings/);
});

test('NodeFeatureRules may use only the plugin labels the plugin writes', () => {
  const rule = { kind: 'NodeFeatureRule', spec: { rules: [{
    extendedResources: { 'sgx.intel.com/epc': '@local.label.sgx.tee.dev/epc-bytes' },
    labels: { plain: 'true', copied: '@local.label.other.io/x' },
    matchFeatures: [{ feature: 'local.label', matchExpressions: { 'sgx.tee.dev/enabled': { op: 'IsTrue' } } },
      { feature: 'cpu.cpuid', matchExpressions: { SGX: { op: 'Exists' } } }] }] } };
  assert.deepStrictEqual(localLabelsUsed(rule), ['other.io/x', 'sgx.tee.dev/enabled', 'sgx.tee.dev/epc-bytes']);
  const anyRule = { spec: { rules: [{ matchAny: [
    { matchFeatures: [{ feature: 'local.label', matchExpressions: { 'sgx.tee.dev/sgx2': { op: 'IsTrue' } } }] },
    { matchFeatures: [{ feature: 'local.label', matchName: { op: 'In', value: ['sgx.tee.dev/flc'] } }] }] }] } };
  assert.deepStrictEqual(localLabelsUsed(anyRule), ['sgx.tee.dev/flc', 'sgx.tee.dev/sgx2']);
  assert.deepStrictEqual(checkRuleLabels(rule, new Set(['sgx.tee.dev/enabled', 'sgx.tee.dev/epc-bytes'])), []);
  const problems = checkRuleLabels(rule, new Set(['sgx.tee.dev/enabled', 'sgx.tee.dev/epc-mib']));
  assert.strictEqual(problems.length, 1);
  assert.match(problems[0], /"sgx.tee.dev\/epc-bytes", which the plugin never writes/);
});

test('serve mounts exactly the host paths it reads, read-only, at their own paths', () => {
  const volume = (name, hostPath, type) => ({ name, hostPath: { path: hostPath, type } });
  const base = {
    volumes: [volume('dev', '/dev', 'Directory'), volume('numa', '/sys/devices/system/node', 'Directory'),
      volume('cpuinfo', '/proc/cpuinfo', 'File'), { name: 'sim', emptyDir: {} }],
  };
  const mounts = [{ name: 'dev', mountPath: '/host/dev', readOnly: true },
    { name: 'numa', mountPath: '/host/sys/devices/system/node', readOnly: true },
    { name: 'cpuinfo', mountPath: '/host/proc/cpuinfo', readOnly: true }];
  const check = (volumeMounts, volumes = base.volumes, args = ['serve', '--host-root=/host']) =>
    checkHostMounts({ volumes }, { args, volumeMounts }).join('; ');
  assert.strictEqual(check(mounts), '');
  // A simulated root on an emptyDir, or the real root: nothing of the host to judge.
  assert.strictEqual(check([{ name: 'sim', mountPath: '/sim' }], base.volumes, ['serve', '--host-root=/sim/root']), '');
  assert.strictEqual(check(mounts, base.volumes, ['serve']), '');
  const wider = (name, hostPath) => [...base.volumes.filter((v) => v.name !== name), volume(name, hostPath, 'Directory')];
  assert.match(check(mounts.map((m) => (m.name === 'cpuinfo' ? { ...m, mountPath: '/host/proc' } : m)),
    wider('cpuinfo', '/proc')), /mounts host \/proc; the plugin reads only/);
  assert.match(check(mounts.map((m) => (m.name === 'numa' ? { ...m, mountPath: '/host/sys' } : m)),
    wider('numa', '/sys')), /mounts host \/sys;/);
  assert.match(check(mounts.map((m) => (m.name === 'dev' ? { ...m, mountPath: '/host/dev/sgx_enclave' } : m)),
    wider('dev', '/dev/sgx_enclave')), /mounts host \/dev\/sgx_enclave;.*does not mount host \/dev at \/host\/dev \(the enclave/);
  assert.match(check(mounts.filter((m) => m.name !== 'cpuinfo')), /does not mount host \/proc\/cpuinfo/);
  assert.match(check(mounts.map((m) => (m.name === 'dev' ? { ...m, readOnly: false } : m))), /host \/dev writable/);
  assert.match(check(mounts.map((m) => (m.name === 'numa' ? { ...m, mountPath: '/host/sys/node' } : m))),
    /mounts host \/sys\/devices\/system\/node at \/host\/sys\/node: the plugin reads \/host\/sys\/devices/);
});

test('whoever may patch every Node status must be confined by a denying policy naming it', () => {
  const doc = (object) => ({ source: 'f', index: 0, object });
  const role = doc({ kind: 'ClusterRole', metadata: { name: 'r' },
    rules: [{ apiGroups: [''], resources: ['nodes/status'], verbs: ['get', 'patch'] }] });
  const binding = doc({ kind: 'ClusterRoleBinding', metadata: { name: 'b' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'r' },
    subjects: [{ kind: 'ServiceAccount', name: 'tee-device-plugin', namespace: 'ns' }] });
  const policy = doc({ kind: 'ValidatingAdmissionPolicy', metadata: { name: 'p' }, spec: { matchConditions: [
    { name: 'sa', expression: "request.userInfo.username.matches('^system:serviceaccount:[^:]+:tee-device-plugin$')" }] } });
  const policyBinding = (actions) => doc({ kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'p' },
    spec: { policyName: 'p', validationActions: actions } });
  assert.deepStrictEqual(checkNodeStatusConfined([role, binding, policy, policyBinding(['Deny'])]), []);
  const problems = (docs) => checkNodeStatusConfined(docs).map((p) => p.problem).join('; ');
  assert.match(problems([role, binding]), /system:serviceaccount:ns:tee-device-plugin may patch every Node's status/);
  assert.match(problems([role, binding, policy, policyBinding(['Warn'])]), /no ValidatingAdmissionPolicy bound with Deny/);
  const renamed = doc({ ...binding.object, subjects: [{ kind: 'ServiceAccount', name: 'prod-tee-device-plugin', namespace: 'ns' }] });
  assert.match(problems([role, renamed, policy, policyBinding(['Deny'])]), /prod-tee-device-plugin may patch/);
  const readOnly = doc({ ...role.object, rules: [{ apiGroups: [''], resources: ['nodes/status'], verbs: ['get'] }] });
  assert.deepStrictEqual(checkNodeStatusConfined([readOnly, binding]), []);
});
